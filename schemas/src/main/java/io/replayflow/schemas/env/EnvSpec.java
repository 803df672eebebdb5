package io.replayflow.schemas.env;

import java.io.Serializable;
import java.util.List;

/**
 * What a learner, a logger and a validator need to know about an environment before running it or
 * reading its data. {@link EnvSpecs} holds the built-in ones.
 *
 * <pre>{@code
 * // an environment the actors run (CartPole's entry in the table):
 * new EnvSpec("CartPole-v1", List.of(4), 2, 500, 475.0, "a uniformly random policy averages ~22");
 * // an environment only declared to ingest (shape and actions; no time limit known):
 * EnvSpec pixels = EnvSpec.parse("Pixels-v0:84x84x3:6");
 * }</pre>
 *
 * <p>Immutable and serializable: it travels inside Flink functions.
 *
 * @param id registry id, as actors write it in {@code env_id}, e.g. {@code "CartPole-v1"}
 * @param observationShape dimensions of one observation, each at least 1; immutable copy
 * @param observationType how the observation is carried: float32 vector or uint8 tensor
 * @param numActions size of the discrete action space; actions are {@code 0..numActions-1}
 * @param maxEpisodeSteps the time limit: an episode that has not terminated after this many steps
 *     is truncated; {@link #UNKNOWN_TIME_LIMIT} for a spec declared without one
 * @param solvedThreshold average episode return at which the task counts as solved; {@code NaN} for
 *     a spec declared without one
 * @param randomPolicyBaseline free-text note on what a uniformly random policy scores; empty when
 *     unknown
 * @param observationBounds the declared range of each observation component (Gymnasium's {@code
 *     Box} low and high), {@link ObservationBounds#NONE} when not declared
 */
public record EnvSpec(
        String id,
        List<Integer> observationShape,
        ObservationType observationType,
        int numActions,
        int maxEpisodeSteps,
        double solvedThreshold,
        String randomPolicyBaseline,
        ObservationBounds observationBounds)
        implements Serializable {

    /** {@link #maxEpisodeSteps()} of a spec that was declared without a time limit. */
    public static final int UNKNOWN_TIME_LIMIT = 0;

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
        if (observationType == null) {
            throw new IllegalArgumentException(
                    "EnvSpec observationType of " + id + " must be FLOAT32 or UINT8; got null");
        }
        if (numActions < 1) {
            throw new IllegalArgumentException(
                    "EnvSpec numActions of "
                            + id
                            + " must be >= 1 (actions are 0..numActions-1); got "
                            + numActions);
        }
        if (maxEpisodeSteps < 0) {
            throw new IllegalArgumentException(
                    "EnvSpec maxEpisodeSteps of "
                            + id
                            + " must be >= 1 (it is the time limit that truncates an episode),"
                            + " or 0 when unknown; got "
                            + maxEpisodeSteps);
        }
        if (Double.isInfinite(solvedThreshold)) {
            throw new IllegalArgumentException(
                    "EnvSpec solvedThreshold of "
                            + id
                            + " must be a finite average return, or NaN when unknown; got "
                            + solvedThreshold);
        }
        randomPolicyBaseline = randomPolicyBaseline == null ? "" : randomPolicyBaseline;
        observationBounds = observationBounds == null ? ObservationBounds.NONE : observationBounds;
        if (!observationBounds.isNone()
                && (observationType != ObservationType.FLOAT32
                        || observationBounds.size() != sizeOf(observationShape))) {
            throw new IllegalArgumentException(
                    "EnvSpec observationBounds of "
                            + id
                            + " give "
                            + observationBounds.size()
                            + " components; a "
                            + observationType
                            + " observation of shape "
                            + observationShape
                            + " takes one LOW:HIGH pair per float component, or none");
        }
    }

    /** A spec without declared observation bounds. */
    public EnvSpec(
            String id,
            List<Integer> observationShape,
            ObservationType observationType,
            int numActions,
            int maxEpisodeSteps,
            double solvedThreshold,
            String randomPolicyBaseline) {
        this(
                id,
                observationShape,
                observationType,
                numActions,
                maxEpisodeSteps,
                solvedThreshold,
                randomPolicyBaseline,
                ObservationBounds.NONE);
    }

    /** This spec with {@code bounds} as its declared observation bounds. */
    public EnvSpec withObservationBounds(ObservationBounds bounds) {
        return new EnvSpec(
                id,
                observationShape,
                observationType,
                numActions,
                maxEpisodeSteps,
                solvedThreshold,
                randomPolicyBaseline,
                bounds);
    }

    /**
     * An environment that can be run: float32 observations, a time limit and a solved threshold.
     *
     * @throws IllegalArgumentException when the time limit is below 1 or the threshold not finite
     */
    public EnvSpec(
            String id,
            List<Integer> observationShape,
            int numActions,
            int maxEpisodeSteps,
            double solvedThreshold,
            String randomPolicyBaseline) {
        this(
                id,
                observationShape,
                ObservationType.FLOAT32,
                numActions,
                requireTimeLimit(id, maxEpisodeSteps),
                requireThreshold(id, solvedThreshold),
                randomPolicyBaseline);
    }

    /** A runnable environment without a random-policy note. */
    public EnvSpec(
            String id,
            List<Integer> observationShape,
            int numActions,
            int maxEpisodeSteps,
            double solvedThreshold) {
        this(id, observationShape, numActions, maxEpisodeSteps, solvedThreshold, "");
    }

    /**
     * A declared environment: what ingest needs to validate its data (float32 observations of this
     * shape, this many actions), no time limit or solved threshold.
     */
    public EnvSpec(String id, List<Integer> observationShape, int numActions) {
        this(
                id,
                observationShape,
                ObservationType.FLOAT32,
                numActions,
                UNKNOWN_TIME_LIMIT,
                Double.NaN,
                "");
    }

    /**
     * Parses the declaration syntax {@code ID:SHAPE:ACTIONS}, e.g. {@code MyPlant-v0:8:4} or {@code
     * Pixels-v0:84x84x3:6}. The id may itself contain colons; the last two fields are the shape and
     * the action count.
     *
     * @throws IllegalArgumentException naming the entry and what to write instead
     */
    public static EnvSpec parse(String entry) {
        String text = entry == null ? "" : entry.trim();
        int actionsAt = text.lastIndexOf(':');
        int shapeAt = actionsAt < 0 ? -1 : text.lastIndexOf(':', actionsAt - 1);
        if (shapeAt <= 0) {
            throw new IllegalArgumentException(
                    "env spec '"
                            + entry
                            + "' is not ID:SHAPE:ACTIONS; write e.g. 'MyPlant-v0:8:4' (8 floats, 4"
                            + " actions) or 'Pixels-v0:84x84x3:6'");
        }
        String id = text.substring(0, shapeAt);
        List<Integer> shape;
        int actions;
        try {
            shape = parseShape(text.substring(shapeAt + 1, actionsAt));
            actions = Integer.parseInt(text.substring(actionsAt + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "env spec '"
                            + entry
                            + "' has a shape or action count that is not a whole number; write"
                            + " e.g. 'MyPlant-v0:8:4' or 'Pixels-v0:84x84x3:6'",
                    e);
        }
        try {
            return new EnvSpec(id.trim(), shape, actions);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("env spec '" + entry + "': " + e.getMessage(), e);
        }
    }

    /** The {@code ID:SHAPE:ACTIONS} form that {@link #parse} reads. */
    public String format() {
        StringBuilder shape = new StringBuilder();
        for (int dim : observationShape) {
            shape.append(shape.isEmpty() ? "" : "x").append(dim);
        }
        return id + ":" + shape + ":" + numActions;
    }

    /**
     * Whether {@code other} describes the same data: same id, observation shape and type, and
     * number of actions (time limit, threshold and notes aside). A declaration that repeats a
     * built-in this way is consistent with it.
     */
    public boolean describesSameDataAs(EnvSpec other) {
        return id.equals(other.id)
                && observationShape.equals(other.observationShape)
                && observationType == other.observationType
                && numActions == other.numActions;
    }

    /** Whether the spec has a time limit ({@link #maxEpisodeSteps()} {@code >= 1}). */
    public boolean hasTimeLimit() {
        return maxEpisodeSteps != UNKNOWN_TIME_LIMIT;
    }

    /** Number of values in one observation: the product of {@link #observationShape()}. */
    public int observationSize() {
        return sizeOf(observationShape);
    }

    private static int sizeOf(List<Integer> shape) {
        int size = 1;
        for (int dim : shape) {
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

    private static int requireTimeLimit(String id, int maxEpisodeSteps) {
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException(
                    "EnvSpec maxEpisodeSteps of "
                            + id
                            + " must be >= 1 (it is the time limit that truncates an episode);"
                            + " got "
                            + maxEpisodeSteps);
        }
        return maxEpisodeSteps;
    }

    private static double requireThreshold(String id, double solvedThreshold) {
        if (!Double.isFinite(solvedThreshold)) {
            throw new IllegalArgumentException(
                    "EnvSpec solvedThreshold of "
                            + id
                            + " must be a finite average return; got "
                            + solvedThreshold);
        }
        return solvedThreshold;
    }

    private static List<Integer> parseShape(String text) {
        String[] parts = text.trim().split("x", -1);
        Integer[] dims = new Integer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Integer.parseInt(parts[i].trim());
        }
        return List.of(dims);
    }
}
