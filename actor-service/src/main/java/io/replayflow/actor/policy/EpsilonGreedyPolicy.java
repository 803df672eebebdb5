package io.replayflow.actor.policy;

import io.replayflow.policy.Policy;
import java.util.Objects;

/**
 * A deterministic policy with ε-greedy exploration folded in, as one stochastic {@link Policy}: the
 * behaviour policy an actor runs with a fixed ε, packaged so that it can be evaluated (by {@link
 * io.replayflow.actor.eval.Evaluator}, which acts without exploring) or handed to anything that
 * takes a policy. The probabilities are {@link EpsilonGreedy}'s: {@code ε/|A| + (1 − ε)} for the
 * wrapped policy's action, {@code ε/|A|} for each other.
 *
 * <pre>{@code
 * Policy behaviour = new EpsilonGreedyPolicy(new CartPoleHandPolicy(), 0.6,
 *         new EpsilonGreedy(EpsilonSchedule.constant(0.6), new SplittableRandom(seed)));
 * }</pre>
 *
 * <p>Not thread-safe (the explorer's random draws); closing closes the wrapped policy.
 */
public final class EpsilonGreedyPolicy implements Policy {
    private final Policy greedy;
    private final double epsilon;
    private final EpsilonGreedy explorer;

    /**
     * @param greedy a {@linkplain Policy#deterministic() deterministic} policy
     * @param epsilon the exploration rate, in [0, 1]
     * @param explorer draws the exploration (its own schedule is not consulted)
     * @throws IllegalArgumentException if {@code greedy} is stochastic or ε is outside [0, 1]
     */
    public EpsilonGreedyPolicy(Policy greedy, double epsilon, EpsilonGreedy explorer) {
        this.greedy = Objects.requireNonNull(greedy, "greedy");
        this.explorer = Objects.requireNonNull(explorer, "explorer");
        if (!greedy.deterministic()) {
            throw new IllegalArgumentException(
                    greedy + " is stochastic already: ε-greedy wraps a deterministic policy");
        }
        if (!(epsilon >= 0.0 && epsilon <= 1.0)) {
            throw new IllegalArgumentException(
                    "epsilon must be a probability in [0, 1]; got " + epsilon);
        }
        this.epsilon = epsilon;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public long version() {
        return greedy.version();
    }

    @Override
    public int numActions() {
        return greedy.numActions();
    }

    @Override
    public int observationSize() {
        return greedy.observationSize();
    }

    /** False unless ε = 0. */
    @Override
    public boolean deterministic() {
        return epsilon == 0.0;
    }

    @Override
    public void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut) {
        greedy.act(obs, batch, actionsOut, behaviorProbOut);
        explorer.explore(epsilon, greedy.numActions(), batch, actionsOut, behaviorProbOut);
    }

    @Override
    public int stateSize() {
        return greedy.stateSize();
    }

    @Override
    public void act(
            float[] obs,
            float[] state,
            int batch,
            int[] actionsOut,
            float[] behaviorProbOut,
            float[] nextStateOut) {
        greedy.act(obs, state, batch, actionsOut, behaviorProbOut, nextStateOut);
        explorer.explore(epsilon, greedy.numActions(), batch, actionsOut, behaviorProbOut);
    }

    @Override
    public void close() {
        greedy.close();
    }

    @Override
    public String toString() {
        return "EpsilonGreedyPolicy[epsilon " + epsilon + " around " + greedy + "]";
    }
}
