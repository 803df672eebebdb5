package io.replayflow.ingest.validate;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.ObservationType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of an observation: a vector of n floats in {@code obs}, an image of a given shape in
 * {@code obs_image}, or (for a declared env spec) either of those, as long as the image has the
 * spec's shape or the vector its number of values.
 *
 * @param kind what the shape describes
 * @param dims the dimensions: {@code [n]} for a vector
 */
public record ObservationShape(Kind kind, List<Integer> dims) implements Serializable {

    /** What kind of observation a shape describes. */
    public enum Kind {
        VECTOR,
        IMAGE,
        /** An env spec: a vector of the shape's size or an image of exactly the shape. */
        ANY
    }

    public ObservationShape {
        dims = List.copyOf(dims);
    }

    /** The shape a transition's observation has. */
    public static ObservationShape of(Transition t) {
        if (t.getObsImage() != null) {
            return new ObservationShape(Kind.IMAGE, t.getObsImage().getShape());
        }
        return new ObservationShape(Kind.VECTOR, List.of(t.getObs().size()));
    }

    /**
     * The shapes an env spec allows: a uint8 env ({@link ObservationType#UINT8}, e.g. the MinAtar
     * games) only images of exactly its shape; a float32 env, or a declared one, a vector of the
     * shape's size or an image of the shape.
     */
    public static ObservationShape of(EnvSpec spec) {
        Kind kind = spec.observationType() == ObservationType.UINT8 ? Kind.IMAGE : Kind.ANY;
        return new ObservationShape(kind, spec.observationShape());
    }

    /** Whether an observation of shape {@code actual} fits this one. */
    public boolean accepts(ObservationShape actual) {
        return switch (kind) {
            case ANY ->
                    actual.kind == Kind.IMAGE
                            ? dims.equals(actual.dims)
                            : product(dims) == actual.dims.get(0);
            case VECTOR, IMAGE -> kind == actual.kind && dims.equals(actual.dims);
        };
    }

    /** How a message names a record's observation: {@code obs has 3 values}. */
    public String describe() {
        return switch (kind) {
            case ANY -> "the observation has shape " + dims;
            case VECTOR -> "obs has " + dims.get(0) + " values";
            case IMAGE -> "obs_image has shape " + dims;
        };
    }

    /** How a message names an expected shape: {@code observations of shape [4]}. */
    public String expectation() {
        return switch (kind) {
            case ANY -> "observations of shape " + dims;
            case VECTOR -> "vector observations of " + dims.get(0) + " values";
            case IMAGE -> "image observations of shape " + dims;
        };
    }

    /**
     * A compact text form, {@code VECTOR:4} or {@code IMAGE:84x84x3}, that {@link #parse} reads.
     */
    public String toText() {
        StringBuilder text = new StringBuilder(kind.name()).append(':');
        for (int i = 0; i < dims.size(); i++) {
            text.append(i == 0 ? "" : "x").append(dims.get(i));
        }
        return text.toString();
    }

    public static ObservationShape parse(String text) {
        int colon = text.indexOf(':');
        List<Integer> dims = new ArrayList<>();
        for (String dim : text.substring(colon + 1).split("x")) {
            dims.add(Integer.parseInt(dim));
        }
        return new ObservationShape(Kind.valueOf(text.substring(0, colon)), dims);
    }

    /** The number of values in a shape, saturating at {@link Long#MAX_VALUE}. */
    static long product(List<Integer> dims) {
        long size = 1;
        for (int dim : dims) {
            try {
                size = Math.multiplyExact(size, (long) dim);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return size;
    }
}
