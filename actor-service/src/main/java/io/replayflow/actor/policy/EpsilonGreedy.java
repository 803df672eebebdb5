package io.replayflow.actor.policy;

import io.replayflow.policy.Policy;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * ε-greedy exploration around a deterministic policy, with the exact behaviour probability of every
 * chosen action.
 *
 * <p>With probability ε a slot's action is replaced by one drawn uniformly from all |A| actions
 * (possibly the greedy one again); otherwise the greedy action is kept. So the behaviour policy is
 *
 * <pre>
 *   μ(a | s) = ε/|A| + (1 − ε)   if a is the greedy action
 *   μ(a | s) = ε/|A|             otherwise
 * </pre>
 *
 * and that μ of the action actually taken is written to {@code behaviorProbOut}: off-policy
 * evaluation and importance weights downstream read it. A policy that is not {@linkplain
 * Policy#deterministic() deterministic} (version 0, uniform random) already explores; it is used as
 * it is and its own probabilities are kept.
 *
 * <p>ε is read from the schedule once per batch, at the actor's step count, so every slot of one
 * vector step explores with the same ε.
 *
 * <p>Not thread-safe (one {@link RandomGenerator}): one instance per actor. Allocates nothing.
 */
public final class EpsilonGreedy {
    private final EpsilonSchedule schedule;
    private final RandomGenerator random;

    /**
     * @param schedule ε as a function of the actor's step count
     * @param random the exploration draws, seeded explicitly (e.g. {@code new
     *     SplittableRandom(seed)})
     */
    public EpsilonGreedy(EpsilonSchedule schedule, RandomGenerator random) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.random = Objects.requireNonNull(random, "random");
    }

    public EpsilonSchedule schedule() {
        return schedule;
    }

    /**
     * Lets {@code policy} choose, then explores around its choices if it is deterministic.
     *
     * @param step the actor's environment step count (selects ε)
     * @return the ε applied (0 when the policy was used as it is)
     */
    public double act(
            Policy policy,
            long step,
            float[] obs,
            int batch,
            int[] actionsOut,
            float[] behaviorProbOut) {
        policy.act(obs, batch, actionsOut, behaviorProbOut);
        if (!policy.deterministic()) {
            return 0.0;
        }
        double epsilon = schedule.epsilon(step);
        explore(epsilon, policy.numActions(), batch, actionsOut, behaviorProbOut);
        return epsilon;
    }

    /**
     * {@link #act(Policy, long, float[], int, int[], float[])} for a recurrent policy: the rows'
     * states go in with the observations and their next states come out ({@link Policy#act(float[],
     * float[], int, int[], float[], float[])}); the state does not depend on the action explored.
     */
    public double act(
            Policy policy,
            long step,
            float[] obs,
            float[] state,
            int batch,
            int[] actionsOut,
            float[] behaviorProbOut,
            float[] nextStateOut) {
        policy.act(obs, state, batch, actionsOut, behaviorProbOut, nextStateOut);
        if (!policy.deterministic()) {
            return 0.0;
        }
        double epsilon = schedule.epsilon(step);
        explore(epsilon, policy.numActions(), batch, actionsOut, behaviorProbOut);
        return epsilon;
    }

    /**
     * Applies ε-greedy in place to greedy actions.
     *
     * @param actions [>= batch] greedy actions in, behaviour actions out
     * @param behaviorProbOut [>= batch] receives μ(action | s)
     */
    public void explore(
            double epsilon, int numActions, int batch, int[] actions, float[] behaviorProbOut) {
        float explored = exploratoryProbability(epsilon, numActions);
        float greedy = greedyProbability(epsilon, numActions);
        for (int i = 0; i < batch; i++) {
            int chosen = actions[i];
            if (epsilon > 0.0 && random.nextDouble() < epsilon) {
                int drawn = random.nextInt(numActions);
                behaviorProbOut[i] = drawn == chosen ? greedy : explored;
                actions[i] = drawn;
            } else {
                behaviorProbOut[i] = greedy;
            }
        }
    }

    /** μ of the greedy action at rate ε: ε/|A| + (1 − ε). */
    public static float greedyProbability(double epsilon, int numActions) {
        return (float) (epsilon / numActions + (1.0 - epsilon));
    }

    /** μ of any other action at rate ε: ε/|A|. */
    public static float exploratoryProbability(double epsilon, int numActions) {
        return (float) (epsilon / numActions);
    }
}
