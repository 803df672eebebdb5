package io.replayflow.trainer;

import java.util.List;
import java.util.Objects;

/**
 * What one transition looks like to the trainer: the observation shape and element type, and the
 * number of discrete actions.
 *
 * @param obsShape observation shape without the batch dimension, e.g. {@code [4]} or {@code [84,
 *     84, 4]}
 * @param obsType float vectors, or uint8 images fed as bytes and scaled by 1/255 in the graph
 * @param numActions number of discrete actions, >= 2
 */
public record TransitionSpec(List<Integer> obsShape, ObsType obsType, int numActions) {

    /** Element type of observations in batches. */
    public enum ObsType {
        FLOAT32,
        UINT8
    }

    public TransitionSpec {
        obsShape = List.copyOf(Objects.requireNonNull(obsShape, "obsShape"));
        Objects.requireNonNull(obsType, "obsType");
        if (obsShape.isEmpty() || obsShape.stream().anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(
                    "observation shape "
                            + obsShape
                            + " is invalid: give every dimension >= 1, e.g. [4] or [84, 84, 4]");
        }
        if (numActions < 2) {
            throw new IllegalArgumentException(
                    "numActions is " + numActions + "; a discrete action space needs >= 2");
        }
    }

    /** Float vector observations of {@code obsDim} elements. */
    public static TransitionSpec vector(int obsDim, int numActions) {
        return new TransitionSpec(List.of(obsDim), ObsType.FLOAT32, numActions);
    }

    /** uint8 image observations {@code [height, width, channels]}. */
    public static TransitionSpec image(int height, int width, int channels, int numActions) {
        return new TransitionSpec(List.of(height, width, channels), ObsType.UINT8, numActions);
    }

    /** Elements per observation. */
    public int obsSize() {
        int size = 1;
        for (int d : obsShape) {
            size = Math.multiplyExact(size, d);
        }
        return size;
    }

    /** {@code [batch, ...obsShape]}. */
    public long[] batchShape(long batch) {
        long[] shape = new long[obsShape.size() + 1];
        shape[0] = batch;
        for (int i = 0; i < obsShape.size(); i++) {
            shape[i + 1] = obsShape.get(i);
        }
        return shape;
    }
}
