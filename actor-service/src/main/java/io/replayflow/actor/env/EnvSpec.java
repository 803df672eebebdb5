package io.replayflow.actor.env;

import java.util.List;

/**
 * What a learner and a logger need to know about an environment before running it.
 *
 * <p>Example, the spec of the built-in CartPole:
 *
 * <pre>{@code
 * new EnvSpec("CartPole-v1", List.of(4), 2, 500, 475.0, "uniform random policy averages ~22");
 * }</pre>
 *
 * @param id registry id, e.g. {@code "CartPole-v1"}
 * @param observationShape shape of one float32 observation, e.g. {@code [4]}; immutable copy
 * @param numActions size of the discrete action space; actions are {@code 0..numActions-1}
 * @param maxEpisodeSteps the time limit: an episode that has not terminated after this many steps
 *     is truncated
 * @param solvedThreshold average episode return at which the task counts as solved
 * @param randomPolicyBaseline free-text note on what a uniformly random policy scores; empty when
 *     unknown
 */
public record EnvSpec(
        String id,
        List<Integer> observationShape,
        int numActions,
        int maxEpisodeSteps,
        double solvedThreshold,
        String randomPolicyBaseline) {

    /** Validates every field; messages name the field, the rule and the fix. */
    public EnvSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(
                    "EnvSpec id must be a non-blank name such as \"CartPole-v1\"; got "
                            + (id == null ? "null" : "\"" + id + "\""));
        }
        if (observationShape == null || observationShape.isEmpty()) {
            throw new IllegalArgumentException(
                    "EnvSpec observationShape of "
                            + id
                            + " must list at least one dimension, e.g. [4] for a 4-vector");
        }
        for (Integer dim : observationShape) {
            if (dim == null || dim < 1) {
                throw new IllegalArgumentException(
                        "EnvSpec observationShape of "
                                + id
                                + " must have dimensions >= 1; got "
                                + observationShape);
            }
        }
        observationShape = List.copyOf(observationShape);
        if (numActions < 1) {
            throw new IllegalArgumentException(
                    "EnvSpec numActions of "
                            + id
                            + " must be >= 1 (actions are 0..numActions-1); got "
                            + numActions);
        }
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException(
                    "EnvSpec maxEpisodeSteps of "
                            + id
                            + " must be >= 1 (it is the time limit that truncates an episode);"
                            + " got "
                            + maxEpisodeSteps);
        }
        if (!Double.isFinite(solvedThreshold)) {
            throw new IllegalArgumentException(
                    "EnvSpec solvedThreshold of "
                            + id
                            + " must be a finite average return; got "
                            + solvedThreshold);
        }
        randomPolicyBaseline = randomPolicyBaseline == null ? "" : randomPolicyBaseline;
    }

    /** A spec without a random-policy note. */
    public EnvSpec(
            String id,
            List<Integer> observationShape,
            int numActions,
            int maxEpisodeSteps,
            double solvedThreshold) {
        this(id, observationShape, numActions, maxEpisodeSteps, solvedThreshold, "");
    }

    /** Number of floats in one observation: the product of {@link #observationShape()}. */
    public int observationSize() {
        int size = 1;
        for (int dim : observationShape) {
            size = Math.multiplyExact(size, dim);
        }
        return size;
    }

    /**
     * Returns {@code action} if it is one of {@code 0..numActions-1}.
     *
     * @throws IllegalArgumentException naming the action and the valid range
     */
    public int requireValidAction(int action) {
        if (action < 0 || action >= numActions) {
            throw new IllegalArgumentException(
                    "action "
                            + action
                            + " is out of range for "
                            + id
                            + ": valid actions are 0 to "
                            + (numActions - 1));
        }
        return action;
    }
}
