package io.replayflow.schemas.frames;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes the image observations of one file's rows, in the order they are written, so that each
 * distinct frame of the file is stored once (up to the window) and a {@link FrameDecoder} fed the
 * same rows in the same order rebuilds every observation byte for byte.
 *
 * <p>The file's frames form a sequence: each row appends the frames it stores ({@link
 * EncodedFrames#newFrames}), and an observation is a list of references to frames of the sequence,
 * oldest slot first. A reference is a distance back from the last frame once the row's own frames
 * are appended (0 = the row's last new frame), always below {@link #window}, so a reader holds at
 * most a window of frames. Rows of many episodes may interleave, repeat or come late: nothing
 * assumes an order of steps, only the order of rows in the file.
 *
 * <ul>
 *   <li>Frames are content-addressed: a frame equal to one of the recent {@link #window} frames is
 *       a reference to it; the map's bound only affects how often a frame is found, never
 *       correctness.
 *   <li>obs is stored as no references when it equals the next_obs of the same episode's previous
 *       row in the file (the common case: step t+1 starts where step t ended).
 *   <li>For a stack of k &gt; 1, next_obs is one reference when it is obs shifted by one frame
 *       (what a frame stack does every step): the new last frame.
 *   <li>A bootstrap observation (replay rows) is no references when it equals next_obs.
 * </ul>
 *
 * <p>Version 2 ({@link FrameCodec#ONCE_V2}, the default) makes the references and new frames of an
 * unstacked image row cheap, where version 1 saved little (1.24×): both sides derive the same
 * predictions from past rows ({@code FrameHistory}), so
 *
 * <ul>
 *   <li>next_obs is no references when its (last) frame is the one that followed the same obs frame
 *       and action last time (a deterministic env repeats itself); else a code;
 *   <li>a code below {@code FrameHistory.CANDIDATES} is a rank among the frames that recently
 *       followed obs's last frame (next_obs), among recent episode starts (an explicit obs) or
 *       among the successors of the episode's previous bootstrap (a bootstrap, which for a stack is
 *       one code when it shifts the previous one), and {@code CANDIDATES +} a distance otherwise;
 *   <li>a new frame is stored as its sparse difference from a base frame the decoder has (the
 *       predicted successor, obs's frame, the slot before), {@code FrameDelta};
 *   <li>the first row of each encoder has k + 1 obs references, the first a marker: a decoder
 *       forgets its predictions there, which keeps concatenation exact.
 * </ul>
 *
 * <p>Files concatenate: the rows of a file decode the same after any other file's rows (one decoder
 * reading both in sequence, with the same layout, window and version), as references are relative
 * and each encoder names the obs of its first row of an episode explicitly. Experience-log
 * compaction appends files' row groups on that ground.
 *
 * <p>Cost per row: O(k) hash look-ups of frame bytes (version 2: plus O(k) of predictions and one
 * pass over each new frame). Memory: up to a window of frames (version 2: twice, the content map
 * and the frames themselves). Not thread-safe; one per output file.
 */
public final class FrameEncoder {

    /** Default window in frames: references reach at most this many frames back. */
    public static final int DEFAULT_WINDOW = 4096;

    private static final int[] NONE = new int[0];

    private final FrameLayout layout;
    private final int window;
    private final FrameCodec codec;
    private final DeltaFrameEncoder delta;
    private final Map<ByteBuffer, Long> recent;
    private final Map<Object, long[]> lastNextObs = new HashMap<>();
    private long count;

    // Per-row scratch.
    private final byte[] frame;
    private byte[] pending;
    private int pendingBytes;

    /** An encoder of the latest version ({@link FrameCodec#LATEST}). */
    public FrameEncoder(FrameLayout layout, int window) {
        this(layout, window, FrameCodec.LATEST);
    }

    /**
     * An encoder of version {@code codec}; writers use {@link FrameCodec#LATEST}, older versions
     * only serve tests that files of that version still read.
     */
    public FrameEncoder(FrameLayout layout, int window, FrameCodec codec) {
        if (window < 4 * layout.frames() + 1) {
            throw new IllegalArgumentException(
                    "a frame window of "
                            + window
                            + " frames: use at least 4·k+1 = "
                            + (4 * layout.frames() + 1));
        }
        this.layout = layout;
        this.window = window;
        this.codec = codec;
        this.delta = codec == FrameCodec.ONCE_V1 ? null : new DeltaFrameEncoder(layout, window);
        this.recent =
                new LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Long> eldest) {
                        return size() > window;
                    }
                };
        this.frame = new byte[layout.frameBytes()];
        this.pending = new byte[layout.frameBytes() * layout.frames() * 3];
    }

    public FrameLayout layout() {
        return layout;
    }

    public FrameCodec codec() {
        return codec;
    }

    public int window() {
        return window;
    }

    /**
     * Encodes one row. {@code episode} is any key equal for the rows of one episode (its id).
     *
     * @param action the row's action ({@link FrameCodec#ONCE_V2} predicts next_obs from obs and it;
     *     the decoder is given the same action)
     * @param bootstrapObs the bootstrap observation, or null when the row has none
     * @throws IllegalArgumentException when an observation's length is not the layout's
     */
    public EncodedFrames encode(
            Object episode, int action, byte[] obs, byte[] nextObs, byte[] bootstrapObs) {
        check("obs", obs);
        check("next_obs", nextObs);
        if (bootstrapObs != null) {
            check("bootstrap_obs", bootstrapObs);
        }
        if (delta != null) {
            return delta.encode(episode, action, obs, nextObs, bootstrapObs);
        }
        pendingBytes = 0;
        int k = layout.frames();
        long[] previous = lastNextObs.get(episode);
        long[] obsIdx = indices(obs);
        boolean obsImplied = previous != null && Arrays.equals(previous, obsIdx);
        long[] nextIdx;
        boolean shifted = false;
        if (k > 1 && shiftedByOne(obs, nextObs)) {
            nextIdx = new long[k];
            System.arraycopy(obsIdx, 1, nextIdx, 0, k - 1);
            nextIdx[k - 1] = index(nextObs, k - 1);
            shifted = true;
        } else {
            nextIdx = indices(nextObs);
        }
        boolean bootImplied = bootstrapObs != null && Arrays.equals(bootstrapObs, nextObs);
        long[] bootIdx = bootstrapObs == null || bootImplied ? null : indices(bootstrapObs);
        lastNextObs.put(episode, nextIdx);
        long last = count - 1;
        int[] obsRefs = obsImplied ? NONE : refs(obsIdx, last);
        int[] nextRefs = shifted ? new int[] {(int) (last - nextIdx[k - 1])} : refs(nextIdx, last);
        int[] bootRefs = bootstrapObs == null ? null : bootImplied ? NONE : refs(bootIdx, last);
        return new EncodedFrames(Arrays.copyOf(pending, pendingBytes), obsRefs, nextRefs, bootRefs);
    }

    private void check(String name, byte[] obs) {
        if (obs == null || obs.length != layout.observationBytes()) {
            throw new IllegalArgumentException(
                    name
                            + " holds "
                            + (obs == null ? "no" : obs.length)
                            + " bytes, but the frame layout "
                            + layout
                            + " needs "
                            + layout.observationBytes());
        }
    }

    private boolean shiftedByOne(byte[] obs, byte[] nextObs) {
        int c = layout.channels();
        int stride = c * layout.frames();
        for (int p = 0; p < layout.pixels(); p++) {
            int at = p * stride;
            if (!Arrays.equals(obs, at + c, at + stride, nextObs, at, at + stride - c)) {
                return false;
            }
        }
        return true;
    }

    private long[] indices(byte[] obs) {
        long[] idx = new long[layout.frames()];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = index(obs, j);
        }
        return idx;
    }

    /**
     * The sequence index of frame {@code j} of {@code obs}: a recent equal frame whose distance
     * will stay below the window after this row (at most 3k frames more), else a new frame.
     */
    private long index(byte[] obs, int j) {
        layout.extract(obs, 0, j, frame, 0);
        Long found = recent.get(ByteBuffer.wrap(frame));
        if (found != null && count - found <= window - 3L * layout.frames()) {
            return found;
        }
        byte[] copy = frame.clone();
        System.arraycopy(copy, 0, pending, pendingBytes, copy.length);
        pendingBytes += copy.length;
        long index = count++;
        recent.put(ByteBuffer.wrap(copy), index);
        return index;
    }

    private static int[] refs(long[] indices, long last) {
        int[] refs = new int[indices.length];
        for (int j = 0; j < refs.length; j++) {
            refs[j] = (int) (last - indices[j]);
        }
        return refs;
    }
}
