package io.replayflow.schemas.frames;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.FrameStacking;
import io.replayflow.schemas.env.ObservationType;
import java.util.List;

/**
 * How an image observation splits into frames: {@code frames} frames of {@code channels} channels
 * over {@code pixels} pixels, in {@link FrameStacking}'s layout (pixel p holds frame 0's channels,
 * then frame 1's, ...), so an unstacked image is one frame and a stack of k is k frames. A frame is
 * stored as {@code pixels · channels} bytes, pixel-major, exactly as an unstacked image.
 *
 * @param pixels H·W
 * @param channels the base image's channels C
 * @param frames frames per observation k (1 unstacked)
 */
public record FrameLayout(int pixels, int channels, int frames) {

    public FrameLayout {
        if (pixels < 1 || channels < 1 || frames < 1 || frames > FrameStacking.MAX_FRAMES) {
            throw new IllegalArgumentException(
                    "a frame layout of "
                            + pixels
                            + " pixels, "
                            + channels
                            + " channels, "
                            + frames
                            + " frames: each must be positive and frames at most "
                            + FrameStacking.MAX_FRAMES);
        }
    }

    /**
     * The layout of {@code spec}'s observations: an image env {@code [H, W, C]} is one frame of C
     * channels; a stacked id ({@code <base>+stack<k>}, shape {@code [H, W, C·k]}) is k frames.
     *
     * @throws IllegalArgumentException when {@code spec} has no uint8 image observations
     */
    public static FrameLayout of(EnvSpec spec) {
        List<Integer> shape = spec.observationShape();
        if (spec.observationType() != ObservationType.UINT8 || shape.size() != 3) {
            throw new IllegalArgumentException(
                    spec.id()
                            + " has "
                            + spec.observationType()
                            + " observations of shape "
                            + shape
                            + "; frames are stored once only for uint8 images [H, W, C]");
        }
        int k = FrameStacking.parse(spec.id()).map(FrameStacking::frames).orElse(1);
        if (shape.get(2) % k != 0) {
            throw new IllegalArgumentException(
                    spec.id() + " has " + shape.get(2) + " channels, not a multiple of " + k);
        }
        return new FrameLayout(shape.get(0) * shape.get(1), shape.get(2) / k, k);
    }

    /**
     * The layout of an image observation of shape {@code shape} of env {@code envId}, as ingest
     * validated it: for {@code [H, W, C]} the frames of a stacked id ({@code <base>+stack<k>}, C a
     * multiple of k) or one frame; any other shape is one frame of all its bytes. For a built-in
     * env this is {@link #of(EnvSpec)}; it also covers declared and learned shapes.
     */
    public static FrameLayout ofImage(String envId, List<Integer> shape) {
        long bytes = 1;
        for (int dim : shape) {
            bytes *= dim;
        }
        if (shape.size() == 3) {
            int k = FrameStacking.parse(envId).map(FrameStacking::frames).orElse(1);
            if (shape.get(2) % k == 0) {
                return new FrameLayout(shape.get(0) * shape.get(1), shape.get(2) / k, k);
            }
        }
        return new FrameLayout(Math.toIntExact(bytes), 1, 1);
    }

    /** Bytes of one frame. */
    public int frameBytes() {
        return pixels * channels;
    }

    /** Bytes of one observation (all its frames). */
    public int observationBytes() {
        return pixels * channels * frames;
    }

    /**
     * Copies frame {@code j} of the observation at {@code obs[obsOff..]} to {@code dst[dstOff..]}.
     */
    public void extract(byte[] obs, int obsOff, int j, byte[] dst, int dstOff) {
        if (frames == 1) {
            System.arraycopy(obs, obsOff, dst, dstOff, channels * pixels);
            return;
        }
        int stride = channels * frames;
        int from = obsOff + j * channels;
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(obs, from + p * stride, dst, dstOff + p * channels, channels);
        }
    }

    /**
     * Copies the frame at {@code src[srcOff..]} into slot {@code j} of the observation at {@code
     * obs[obsOff..]}.
     */
    public void place(byte[] src, int srcOff, int j, byte[] obs, int obsOff) {
        if (frames == 1) {
            System.arraycopy(src, srcOff, obs, obsOff, channels * pixels);
            return;
        }
        int stride = channels * frames;
        int to = obsOff + j * channels;
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(src, srcOff + p * channels, obs, to + p * stride, channels);
        }
    }
}
