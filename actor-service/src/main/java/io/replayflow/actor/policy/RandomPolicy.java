package io.replayflow.actor.policy;

import io.replayflow.policy.Policy;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Version 0: every action with probability {@code 1/|A|}, what an actor does before any policy was
 * published.
 *
 * <p>Not thread-safe (it draws from one {@link RandomGenerator}): give each actor its own, seeded
 * explicitly. Allocates nothing.
 */
public final class RandomPolicy implements Policy {

    /** The version of "no policy yet". */
    public static final long VERSION = 0L;

    private final int numActions;
    private final int observationSize;
    private final float probability;
    private final RandomGenerator random;

    /**
     * @param numActions size of the action space, at least 1
     * @param observationSize floats per observation, at least 1
     * @param random the source of the draws, e.g. {@code new SplittableRandom(seed)}
     */
    public RandomPolicy(int numActions, int observationSize, RandomGenerator random) {
        if (numActions < 1 || observationSize < 1) {
            throw new IllegalArgumentException(
                    "RandomPolicy needs numActions >= 1 and observationSize >= 1; got numActions="
                            + numActions
                            + ", observationSize="
                            + observationSize);
        }
        this.numActions = numActions;
        this.observationSize = observationSize;
        this.probability = 1.0f / numActions;
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public long version() {
        return VERSION;
    }

    @Override
    public int numActions() {
        return numActions;
    }

    @Override
    public int observationSize() {
        return observationSize;
    }

    @Override
    public boolean deterministic() {
        return false;
    }

    @Override
    public void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut) {
        for (int i = 0; i < batch; i++) {
            actionsOut[i] = random.nextInt(numActions);
            behaviorProbOut[i] = probability;
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "RandomPolicy[v0, " + numActions + " actions]";
    }
}
