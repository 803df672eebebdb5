package io.replayflow.schemas.frames;

import java.util.HashMap;
import java.util.Map;

/**
 * Rebuilds the observations a {@link FrameEncoder} encoded, row by row in the file's order, byte
 * for byte. It holds the last {@code window} frames of the file (grown as frames arrive) and, per
 * episode, the frame indices of its last next_obs.
 *
 * <p>A reader must feed every row of the file from its start, row groups in order, also rows it
 * will not keep: a kept row may reference frames stored by any earlier row. Not thread-safe; one
 * per file read.
 */
public final class FrameDecoder {

    private final FrameLayout layout;
    private final int window;
    private final DeltaFrameDecoder delta;
    private final int frameBytes;
    private final Map<Object, long[]> lastNextObs = new HashMap<>();
    private byte[] ring = new byte[0];
    private long count;

    /**
     * @param window the encoder's window ({@link FrameEncoder#window})
     * @param codec the version the file's footer names ({@link FrameCodec#ofFooter})
     */
    public FrameDecoder(FrameLayout layout, int window, FrameCodec codec) {
        this.layout = layout;
        this.window = window;
        this.delta = codec == FrameCodec.ONCE_V1 ? null : new DeltaFrameDecoder(layout, window);
        this.frameBytes = layout.frameBytes();
    }

    /** The three observations of one row. */
    public record Observations(byte[] obs, byte[] nextObs, byte[] bootstrapObs) {}

    /** Decodes one row into new arrays (bootstrapObs null when the row has none). */
    public Observations decode(Object episode, int action, EncodedFrames row) {
        int n = layout.observationBytes();
        byte[] obs = new byte[n];
        byte[] next = new byte[n];
        byte[] boot = row.bootstrapRefs() == null ? null : new byte[n];
        decode(
                episode,
                action,
                row.newFrames(),
                0,
                row.newFrames().length,
                row.obsRefs(),
                row.obsRefs().length,
                row.nextObsRefs(),
                row.nextObsRefs().length,
                row.bootstrapRefs(),
                row.bootstrapRefs() == null ? -1 : row.bootstrapRefs().length,
                obs,
                0,
                next,
                0,
                boot,
                0);
        return new Observations(obs, next, boot);
    }

    /**
     * Decodes one row of {@code episode} whose action was {@code action}: appends its {@code
     * newLength} bytes of new frames, then writes obs, next_obs and (when {@code bootstrapCount} ≥
     * 0) the bootstrap observation at the given offsets. Each {@code …Refs} array holds {@code
     * …Count} references (see {@link EncodedFrames}).
     *
     * @throws IllegalStateException when the references do not fit what was read before: the file
     *     was not read from its start in order, or is corrupt
     */
    public void decode(
            Object episode,
            int action,
            byte[] newFrames,
            int newOffset,
            int newLength,
            int[] obsRefs,
            int obsCount,
            int[] nextObsRefs,
            int nextCount,
            int[] bootstrapRefs,
            int bootstrapCount,
            byte[] obsDst,
            int obsOff,
            byte[] nextDst,
            int nextOff,
            byte[] bootDst,
            int bootOff) {
        if (delta != null) {
            delta.decode(
                    episode,
                    action,
                    newFrames,
                    newOffset,
                    newLength,
                    obsRefs,
                    obsCount,
                    nextObsRefs,
                    nextCount,
                    bootstrapRefs,
                    bootstrapCount,
                    obsDst,
                    obsOff,
                    nextDst,
                    nextOff,
                    bootDst,
                    bootOff);
            return;
        }
        if (newLength % frameBytes != 0) {
            throw corrupt(
                    "its new frames hold "
                            + newLength
                            + " bytes, not whole frames of "
                            + frameBytes);
        }
        for (int at = 0; at < newLength; at += frameBytes) {
            append(newFrames, newOffset + at);
        }
        int k = layout.frames();
        long last = count - 1;
        long[] obsIdx;
        if (obsCount == 0) {
            obsIdx = lastNextObs.get(episode);
            if (obsIdx == null) {
                throw corrupt(
                        "its obs is the episode's previous next_obs, but no earlier row of "
                                + episode
                                + " was read");
            }
        } else {
            obsIdx = indices(obsRefs, obsCount, last);
        }
        long[] nextIdx;
        if (k > 1 && nextCount == 1) {
            nextIdx = new long[k];
            System.arraycopy(obsIdx, 1, nextIdx, 0, k - 1);
            nextIdx[k - 1] = index(nextObsRefs[0], last);
        } else {
            nextIdx = indices(nextObsRefs, nextCount, last);
        }
        write(obsIdx, obsDst, obsOff);
        write(nextIdx, nextDst, nextOff);
        if (bootstrapCount >= 0) {
            write(
                    bootstrapCount == 0 ? nextIdx : indices(bootstrapRefs, bootstrapCount, last),
                    bootDst,
                    bootOff);
        }
        lastNextObs.put(episode, nextIdx);
    }

    private void append(byte[] src, int offset) {
        int slot = (int) (count % window);
        int needed = (slot + 1) * frameBytes;
        if (ring.length < needed) {
            long grown = Math.max(needed, Math.min((long) window * frameBytes, 2L * ring.length));
            byte[] bigger = new byte[(int) grown];
            System.arraycopy(ring, 0, bigger, 0, ring.length);
            ring = bigger;
        }
        System.arraycopy(src, offset, ring, slot * frameBytes, frameBytes);
        count++;
    }

    private long[] indices(int[] refs, int count, long last) {
        if (count != layout.frames()) {
            throw corrupt(
                    "an observation has " + count + " frame references, not " + layout.frames());
        }
        long[] idx = new long[count];
        for (int j = 0; j < count; j++) {
            idx[j] = index(refs[j], last);
        }
        return idx;
    }

    private long index(int ref, long last) {
        if (ref < 0 || ref >= window || ref > last) {
            throw corrupt(
                    "a frame reference "
                            + ref
                            + " points before the file's first frame or the window of "
                            + window);
        }
        return last - ref;
    }

    private void write(long[] idx, byte[] dst, int off) {
        for (int j = 0; j < idx.length; j++) {
            if (count - idx[j] > window) {
                throw corrupt("frame " + idx[j] + " is out of the window of " + window);
            }
            layout.place(ring, (int) (idx[j] % window) * frameBytes, j, dst, off);
        }
    }

    private static IllegalStateException corrupt(String detail) {
        return new IllegalStateException(
                "cannot rebuild an image row stored as frames once: "
                        + detail
                        + "; read the file from its start, row groups in order, or rewrite it");
    }
}
