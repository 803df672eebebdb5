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
 * <p>ε is read from the schedule once per batch, at the actor's step count. By default every slot
 * of one vector step explores with that ε. With a {@code spread} α > 0 the slots explore at rates
 * spread geometrically below it, as Ape-X's actors do (Horgan et al., "Distributed Prioritized
 * Experience Replay", ICLR 2018: actor i of N at ε^(1 + α·i/(N−1)), ε = 0.4, α = 7): slot i of
 * {@code slots} explores at
 *
 * <pre>
 *   ε_i(t) = ε(t)^(1 + α · i / (slots − 1))
 * </pre>
 *
 * so slot 0 keeps the schedule's ε(t) and the last slot ε(t)^(1+α). Some environments keep
 * exploring widely while others act almost greedily and reach the states a good policy reaches;
 * each row's μ is exact for its own slot's rate.
 *
 * <p>Not thread-safe (one {@link RandomGenerator}): one instance per actor. Allocates nothing.
 */
public final class EpsilonGreedy {
    private final EpsilonSchedule schedule;
    private final double spread;
    private final int slots;
    private final RandomGenerator random;

    /**
     * Every slot at the schedule's ε.
     *
     * @param schedule ε as a function of the actor's step count
     * @param random the exploration draws, seeded explicitly (e.g. {@code new
     *     SplittableRandom(seed)})
     */
    public EpsilonGreedy(EpsilonSchedule schedule, RandomGenerator random) {
        this(schedule, 0.0, 1, random);
    }

    /**
     * Slot i of {@code slots} at ε(t)^(1 + spread · i / (slots − 1)) (see the class comment).
     *
     * @param schedule ε as a function of the actor's step count
     * @param spread α, ≥ 0; 0: every slot at ε(t)
     * @param slots the actor's environments (rows of a full batch), ≥ 1
     * @param random the exploration draws, seeded explicitly
     * @throws IllegalArgumentException naming a negative or non-finite spread, or slots < 1
     */
    public EpsilonGreedy(
            EpsilonSchedule schedule, double spread, int slots, RandomGenerator random) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.random = Objects.requireNonNull(random, "random");
        if (!(spread >= 0.0) || Double.isInfinite(spread)) {
            throw new IllegalArgumentException(
                    "epsilon spread must be a finite number >= 0 (0: every environment at the"
                            + " schedule's epsilon; Ape-X uses 7); got "
                            + spread);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1; got " + slots);
        }
        this.spread = spread;
        this.slots = slots;
    }

    public EpsilonSchedule schedule() {
        return schedule;
    }

    /** ε of slot {@code slot} at step {@code step}: ε(t)^(1 + α · slot / (slots − 1)). */
    public double epsilon(long step, int slot) {
        return rate(schedule.epsilon(step), slot);
    }

    private double rate(double epsilon, int slot) {
        if (spread == 0.0 || slots == 1) {
            return epsilon;
        }
        return Math.pow(epsilon, 1.0 + spread * slot / (slots - 1));
    }

    /**
     * Lets {@code policy} choose, then explores around its choices if it is deterministic. Row i is
     * slot i.
     *
     * @param step the actor's environment step count (selects ε)
     * @return the schedule's ε(t), slot 0's rate (0 when the policy was used as it is)
     */
    public double act(
            Policy policy,
            long step,
            float[] obs,
            int batch,
            int[] actionsOut,
            float[] behaviorProbOut) {
        return act(policy, step, obs, batch, null, actionsOut, behaviorProbOut);
    }

    /**
     * {@link #act(Policy, long, float[], int, int[], float[])} for rows gathered from some of the
     * slots: row i is slot {@code slotOfRow[i]} (null: slot i).
     */
    public double act(
            Policy policy,
            long step,
            float[] obs,
            int batch,
            int[] slotOfRow,
            int[] actionsOut,
            float[] behaviorProbOut) {
        policy.act(obs, batch, actionsOut, behaviorProbOut);
        return explore(policy, step, batch, slotOfRow, actionsOut, behaviorProbOut);
    }

    /**
     * {@link #act(Policy, long, float[], int, int[], int[], float[])} for a recurrent policy: the
     * rows' states go in with the observations and their next states come out ({@link
     * Policy#act(float[], float[], int, int[], float[], float[])}); the state does not depend on
     * the action explored. Row i is slot {@code slotOfRow[i]} (null: slot i).
     */
    public double act(
            Policy policy,
            long step,
            float[] obs,
            float[] state,
            int batch,
            int[] slotOfRow,
            int[] actionsOut,
            float[] behaviorProbOut,
            float[] nextStateOut) {
        policy.act(obs, state, batch, actionsOut, behaviorProbOut, nextStateOut);
        return explore(policy, step, batch, slotOfRow, actionsOut, behaviorProbOut);
    }

    /** ε-greedy around a deterministic {@code policy}'s actions, each row at its slot's rate. */
    private double explore(
            Policy policy,
            long step,
            int batch,
            int[] slotOfRow,
            int[] actions,
            float[] behaviorProbOut) {
        if (!policy.deterministic()) {
            return 0.0;
        }
        double epsilon = schedule.epsilon(step);
        for (int i = 0; i < batch; i++) {
            double rate = rate(epsilon, slotOfRow == null ? i : slotOfRow[i]);
            behaviorProbOut[i] = exploreOne(rate, policy.numActions(), actions, i);
        }
        return epsilon;
    }

    /** ε-greedy at {@code epsilon} on row {@code i} of {@code actions}; returns μ of its action. */
    private float exploreOne(double epsilon, int numActions, int[] actions, int i) {
        int chosen = actions[i];
        if (epsilon > 0.0 && random.nextDouble() < epsilon) {
            int drawn = random.nextInt(numActions);
            actions[i] = drawn;
            return drawn == chosen
                    ? greedyProbability(epsilon, numActions)
                    : exploratoryProbability(epsilon, numActions);
        }
        return greedyProbability(epsilon, numActions);
    }

    /**
     * Applies ε-greedy in place to greedy actions.
     *
     * @param actions [>= batch] greedy actions in, behaviour actions out
     * @param behaviorProbOut [>= batch] receives μ(action | s)
     */
    public void explore(
            double epsilon, int numActions, int batch, int[] actions, float[] behaviorProbOut) {
        for (int i = 0; i < batch; i++) {
            behaviorProbOut[i] = exploreOne(epsilon, numActions, actions, i);
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
