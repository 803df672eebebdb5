package io.replayflow.ingest.env;

import java.io.Serializable;
import java.util.List;

/**
 * What ingest must know about an environment to validate its transitions: the observation shape and
 * the size of the discrete action space.
 *
 * <pre>{@code
 * EnvSpec cartPole = new EnvSpec("CartPole-v1", List.of(4), 2);
 * EnvSpec pixels = EnvSpec.parse("Pixels-v0:84x84x3:6");   // the ingest.env-specs syntax
 * }</pre>
 *
 * <p>A vector observation of shape {@code [4]} arrives as {@code obs} with 4 floats; an image
 * observation of shape {@code [84, 84, 3]} arrives as {@code obs_image} with that shape.
 *
 * @param id environment id as actors write it in {@code env_id}, e.g. {@code "CartPole-v1"}
 * @param observationShape dimensions of one observation, each at least 1
 * @param numActions actions are {@code 0..numActions-1}; at least 1
 */
public record EnvSpec(String id, List<Integer> observationShape, int numActions)
        implements Serializable {

    public EnvSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(
                    "an env spec needs a non-blank id such as \"CartPole-v1\"");
        }
        if (observationShape == null || observationShape.isEmpty()) {
            throw new IllegalArgumentException(
                    "env spec "
                            + id
                            + " needs an observation shape with at least one dimension, e.g. [4]");
        }
        for (Integer dim : observationShape) {
            if (dim == null || dim < 1) {
                throw new IllegalArgumentException(
                        "env spec "
                                + id
                                + " has observation shape "
                                + observationShape
                                + ": every dimension must be at least 1");
            }
        }
        observationShape = List.copyOf(observationShape);
        if (numActions < 1) {
            throw new IllegalArgumentException(
                    "env spec "
                            + id
                            + " has "
                            + numActions
                            + " actions: a discrete action space needs at least 1");
        }
    }

    /**
     * Parses {@code ID:SHAPE:ACTIONS}, e.g. {@code MyPlant-v0:8:4} or {@code Pixels-v0:84x84x3:6}.
     * The id may itself contain colons; the last two fields are the shape and the action count.
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
        return new EnvSpec(id.trim(), shape, actions);
    }

    /** The {@code ID:SHAPE:ACTIONS} form that {@link #parse} reads. */
    public String format() {
        StringBuilder shape = new StringBuilder();
        for (int dim : observationShape) {
            shape.append(shape.isEmpty() ? "" : "x").append(dim);
        }
        return id + ":" + shape + ":" + numActions;
    }

    /** Number of values in one observation: the product of the shape. */
    public long observationSize() {
        long size = 1;
        for (int dim : observationShape) {
            size = Math.multiplyExact(size, dim);
        }
        return size;
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
