package io.replayflow.replay.sample;

/**
 * A reusable batch that {@link Sampler#sample} fills: for each slot {@code j < size()}, the sampled
 * row id, its importance weight and the probability it was drawn with. The three arrays are the
 * batch's own and are handed out without copying, so a trainer reuses one batch per step and
 * nothing is allocated per call; each {@code sample} overwrites them.
 *
 * <p>Not thread-safe; owned by the thread that samples into it and reads it.
 */
public final class SampleBatch {

    private final int[] rowIds;
    private final float[] weights;
    private final double[] probabilities;

    /** Creates a batch of {@code size} slots. */
    public SampleBatch(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size " + size + " must be >= 1");
        }
        rowIds = new int[size];
        weights = new float[size];
        probabilities = new double[size];
    }

    /** Number of slots; every {@code sample} fills all of them. */
    public int size() {
        return rowIds.length;
    }

    /** Row ids, {@code [size]}. */
    public int[] rowIds() {
        return rowIds;
    }

    /** Importance weights in {@code (0, 1]}, {@code [size]}; 1 for non-prioritized samplers. */
    public float[] weights() {
        return weights;
    }

    /** Probability with which each row was drawn, {@code [size]}; see each sampler. */
    public double[] probabilities() {
        return probabilities;
    }
}
