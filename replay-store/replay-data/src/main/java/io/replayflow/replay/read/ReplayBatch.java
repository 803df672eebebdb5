package io.replayflow.replay.read;

import io.replayflow.replay.sample.SampleBatch;

/**
 * A reusable training batch that {@link ReplayDataset} fills: the sampled row ids with their
 * importance weights, and every column gathered for those rows into preallocated arrays. Create one
 * with {@link ReplayDataset#newBatch} and reuse it every step; nothing is allocated per sample.
 * Each array is the batch's own and is overwritten by the next sample.
 *
 * <p>Vectors are row-major: slot {@code j} of {@link #obs()} is {@code obs[j * obsDim … (j + 1) *
 * obsDim)}. A batch of an image dataset ({@link #images()}) holds its observations as uint8 bytes
 * in {@link #obsBytes()}, {@link #nextObsBytes()} and {@link #bootstrapObsBytes()}, laid out the
 * same way with {@code obsDim} bytes per slot, and its float observation arrays are null; a vector
 * dataset's batch is the other way round. The n-step arrays exist only for replay datasets ({@link
 * #hasNStep()}); for the experience log they are null. The n-step target of slot j is
 *
 * <pre>
 *   y_j = nStepReturn[j] + (bootstrapCut[j] ? 0 : bootstrapDiscount[j] * max_a Q(bootstrapObs[j], a))
 * </pre>
 *
 * <p>Not thread-safe; owned by the trainer thread.
 */
public final class ReplayBatch {

    private final SampleBatch sample;
    private final int obsDim;
    private final boolean images;

    private final float[] obs; // [size * obsDim] or null for images
    private final float[] nextObs; // [size * obsDim] or null for images
    private final byte[] obsBytes; // [size * obsDim] or null for vectors
    private final byte[] nextObsBytes; // [size * obsDim] or null for vectors
    private final int[] action; // [size]
    private final float[] reward; // [size]
    private final boolean[] terminated; // [size]
    private final boolean[] truncated; // [size]
    private final float[] behaviorProb; // [size]
    private final long[] policyVersion; // [size]
    private final long[] eventTimeMs; // [size]

    private final float[] nStepReturn; // [size] or null
    private final float[] bootstrapObs; // [size * obsDim] or null
    private final byte[] bootstrapObsBytes; // [size * obsDim] or null
    private final float[] bootstrapDiscount; // [size] or null
    private final boolean[] bootstrapCut; // [size] or null
    private final float[] returnToGo; // [size] or null; NaN where unknown

    ReplayBatch(int size, int obsDim, boolean images, boolean nStep) {
        this.sample = new SampleBatch(size);
        this.obsDim = obsDim;
        this.images = images;
        obs = images ? null : new float[size * obsDim];
        nextObs = images ? null : new float[size * obsDim];
        obsBytes = images ? new byte[size * obsDim] : null;
        nextObsBytes = images ? new byte[size * obsDim] : null;
        action = new int[size];
        reward = new float[size];
        terminated = new boolean[size];
        truncated = new boolean[size];
        behaviorProb = new float[size];
        policyVersion = new long[size];
        eventTimeMs = new long[size];
        nStepReturn = nStep ? new float[size] : null;
        bootstrapObs = nStep && !images ? new float[size * obsDim] : null;
        bootstrapObsBytes = nStep && images ? new byte[size * obsDim] : null;
        bootstrapDiscount = nStep ? new float[size] : null;
        bootstrapCut = nStep ? new boolean[size] : null;
        returnToGo = nStep ? new float[size] : null;
    }

    public int size() {
        return sample.size();
    }

    public int obsDim() {
        return obsDim;
    }

    /** Whether observations are uint8 images ({@link #obsBytes()}) rather than float vectors. */
    public boolean images() {
        return images;
    }

    public boolean hasNStep() {
        return nStepReturn != null;
    }

    /** Row ids, weights and probabilities of the draw. */
    public SampleBatch sample() {
        return sample;
    }

    /**
     * Dataset row ids, {@code [size]}: pass them back to {@link ReplayDataset#updatePriorities}.
     */
    public int[] rowIds() {
        return sample.rowIds();
    }

    /** Importance weights, {@code [size]}; 1 unless the sampler is prioritized. */
    public float[] weights() {
        return sample.weights();
    }

    public float[] obs() {
        return obs;
    }

    public float[] nextObs() {
        return nextObs;
    }

    /** uint8 images {@code [size * obsDim]}, row-major {@code [H, W, C]} each; null for vectors. */
    public byte[] obsBytes() {
        return obsBytes;
    }

    public byte[] nextObsBytes() {
        return nextObsBytes;
    }

    public int[] action() {
        return action;
    }

    public float[] reward() {
        return reward;
    }

    public boolean[] terminated() {
        return terminated;
    }

    public boolean[] truncated() {
        return truncated;
    }

    public float[] behaviorProb() {
        return behaviorProb;
    }

    public long[] policyVersion() {
        return policyVersion;
    }

    public long[] eventTimeMs() {
        return eventTimeMs;
    }

    public float[] nStepReturn() {
        return nStepReturn;
    }

    public float[] bootstrapObs() {
        return bootstrapObs;
    }

    /** The bootstrap images {@code [size * obsDim]}; null for vectors or without n-step. */
    public byte[] bootstrapObsBytes() {
        return bootstrapObsBytes;
    }

    public float[] bootstrapDiscount() {
        return bootstrapDiscount;
    }

    public boolean[] bootstrapCut() {
        return bootstrapCut;
    }

    public float[] returnToGo() {
        return returnToGo;
    }
}
