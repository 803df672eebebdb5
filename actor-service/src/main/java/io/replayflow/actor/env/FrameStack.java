package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.FrameStacking;

/**
 * The last k frames of an image environment as one observation, stacked along the channel axis (the
 * DQN papers' frame stacking; Gymnasium's {@code FrameStackObservation} stacks along a new first
 * axis instead). For an image {@code [H, W, C]} the observation is {@code [H, W, C·k]}: pixel (r,
 * c) holds the C channels of the oldest frame, then the next, the newest frame last. A reset fills
 * all k slots with the first frame (Gymnasium's {@code padding_type="reset"}), so the first
 * observation of an episode is k copies of it and never shows the previous episode.
 *
 * <p>The spec is {@link FrameStacking#apply}'s: id {@code <image env id>+stack<k>}, the image
 * environment's actions and time limit. {@link EnvRegistry} makes one for any stacked id of a
 * registered image environment. Not thread-safe; allocates nothing per step.
 */
public final class FrameStack implements Environment {

    private final Environment env;
    private final EnvSpec spec;
    private final int frames;
    private final int pixels;
    private final int channels;
    // [frames][H * W * C]: the last k frames, oldest first (a ring starting at `oldest`)
    private final float[][] history;
    private int oldest;

    /**
     * Wraps {@code env}, a uint8 image environment {@code [H, W, C]}, in a stack of {@code frames}.
     *
     * @throws IllegalArgumentException when {@code env} has no image observations or {@code frames}
     *     is out of range
     */
    public FrameStack(Environment env, int frames) {
        if (env == null) {
            throw new IllegalArgumentException("FrameStack needs an environment to wrap; got null");
        }
        EnvSpec base = env.spec();
        this.spec = new FrameStacking(base.id(), frames).apply(base);
        this.env = env;
        this.frames = frames;
        this.pixels = base.observationShape().get(0) * base.observationShape().get(1);
        this.channels = base.observationShape().get(2);
        this.history = new float[frames][base.observationSize()];
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    @Override
    public void reset(long seed, float[] obs, int offset) {
        float[] first = history[0];
        env.reset(seed, first, 0);
        for (int k = 1; k < frames; k++) {
            System.arraycopy(first, 0, history[k], 0, first.length);
        }
        oldest = 0;
        write(obs, offset);
    }

    @Override
    public void step(int action, float[] nextObs, int offset, StepResult result) {
        // the oldest slot receives the newest frame and the ring turns by one
        float[] newest = history[oldest];
        env.step(action, newest, 0, result);
        oldest = (oldest + 1) % frames;
        write(nextObs, offset);
    }

    /** Interleaves the k frames, oldest first, into {@code out[offset ..]} as [H, W, C·k]. */
    private void write(float[] out, int offset) {
        int stackedChannels = channels * frames;
        for (int k = 0; k < frames; k++) {
            float[] frame = history[(oldest + k) % frames];
            for (int p = 0; p < pixels; p++) {
                System.arraycopy(
                        frame,
                        p * channels,
                        out,
                        offset + p * stackedChannels + k * channels,
                        channels);
            }
        }
    }

    /** The wrapped environment. */
    public Environment unwrapped() {
        return env;
    }
}
