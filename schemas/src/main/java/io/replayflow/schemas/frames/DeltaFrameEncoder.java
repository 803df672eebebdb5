package io.replayflow.schemas.frames;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link FrameEncoder}'s {@link FrameCodec#ONCE_V2} rows. Resolves each frame of a row, in the
 * order obs, next_obs, bootstrap, slot by slot, to a reference code: a rank below {@link
 * FrameHistory#CANDIDATES} in the slot's candidate list, else {@code CANDIDATES +} its distance
 * back from the row's last new frame; a frame found nowhere is appended as a {@link FrameDelta}
 * from the slot's base frame. Not thread-safe.
 */
final class DeltaFrameEncoder {

    private static final int[] NONE = new int[0];

    private final FrameLayout layout;
    private final FrameHistory history;
    private final Map<ByteBuffer, Long> recent;
    private final FrameDelta.Sink pending = new FrameDelta.Sink();
    private final byte[][] slots;
    private boolean started;

    // The frame count before the current row: what "usable" is measured from.
    private long rowStart;

    DeltaFrameEncoder(FrameLayout layout, int window) {
        this.layout = layout;
        this.history = new FrameHistory(layout, window);
        this.recent =
                new LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Long> eldest) {
                        return size() > window;
                    }
                };
        this.slots = new byte[3 * layout.frames()][layout.frameBytes()];
    }

    EncodedFrames encode(Object episode, int action, byte[] obs, byte[] next, byte[] boot) {
        int k = layout.frames();
        pending.clear();
        rowStart = history.count;
        byte[][] obsFrames = frames(obs, 0);
        byte[][] nextFrames = frames(next, k);

        long[] obsIdx = new long[k];
        long[] obsCodes = null;
        long[] previous = history.lastNextObs(episode);
        if (previous != null && same(previous, obsFrames)) {
            obsIdx = previous;
        } else {
            obsCodes = new long[k];
            long[] starts = history.starts();
            for (int j = 0; j < k; j++) {
                long base = j > 0 ? obsIdx[j - 1] : usableFirst(starts);
                obsIdx[j] = resolve(obsFrames[j], starts, base, obsCodes, j);
            }
        }

        long from = obsIdx[k - 1];
        long[] successors = history.successors(from);
        long[] nextIdx;
        long[] nextCodes;
        if (k == 1 || shiftedByOne(obs, next)) {
            nextIdx = new long[k];
            System.arraycopy(obsIdx, 1, nextIdx, 0, k - 1);
            long p = history.predicted(from, action);
            if (p >= 0 && history.usable(p, rowStart) && equal(p, nextFrames[k - 1])) {
                nextIdx[k - 1] = p;
                nextCodes = new long[0];
            } else {
                nextCodes = new long[1];
                long base = usableFirst(successors);
                nextIdx[k - 1] =
                        resolve(
                                nextFrames[k - 1],
                                successors,
                                base >= 0 ? base : from,
                                nextCodes,
                                0);
            }
        } else {
            nextIdx = new long[k];
            nextCodes = new long[k];
            for (int j = 0; j < k; j++) {
                nextIdx[j] = resolve(nextFrames[j], successors, obsIdx[j], nextCodes, j);
            }
        }

        long[] bootCodes = null;
        long[] bootIdx = null;
        boolean bootImplied = boot != null && Arrays.equals(boot, next);
        if (bootImplied) {
            bootIdx = nextIdx;
        } else if (boot != null) {
            byte[][] bootFrames = frames(boot, 2 * k);
            long[] lastBoot = history.lastBootstrap(episode);
            long[] candidates = history.bootstrapCandidates(lastBoot, nextIdx[k - 1]);
            bootIdx = new long[k];
            if (k == 1 || lastBoot != null && shiftedFrom(lastBoot, bootFrames)) {
                if (k > 1) {
                    System.arraycopy(lastBoot, 1, bootIdx, 0, k - 1);
                }
                bootCodes = new long[1];
                long base = usableFirst(candidates);
                bootIdx[k - 1] =
                        resolve(
                                bootFrames[k - 1],
                                candidates,
                                base >= 0 ? base : nextIdx[k - 1],
                                bootCodes,
                                0);
            } else {
                bootCodes = new long[k];
                for (int j = 0; j < k; j++) {
                    bootIdx[j] = resolve(bootFrames[j], candidates, nextIdx[j], bootCodes, j);
                }
            }
        }

        history.record(episode, obsIdx, obsCodes != null, action, nextIdx, bootIdx);
        long last = history.count - 1;
        int[] obsRefs = obsCodes == null ? NONE : codes(obsCodes, last, !started);
        started = true;
        int[] bootRefs = boot == null ? null : bootImplied ? NONE : codes(bootCodes, last, false);
        return new EncodedFrames(
                pending.toArray(), obsRefs, codes(nextCodes, last, false), bootRefs);
    }

    /**
     * The frame {@code frame} as an index: a usable candidate (its rank goes to {@code codes[j]}),
     * a usable recent equal frame, or a new frame stored on {@code base} (-1: zeros); a distance is
     * kept as {@code -1 - index} in {@code codes[j]} until the row's last frame is known.
     */
    private long resolve(byte[] frame, long[] candidates, long base, long[] codes, int j) {
        for (int r = 0; r < candidates.length; r++) {
            if (history.usable(candidates[r], rowStart) && equal(candidates[r], frame)) {
                codes[j] = r;
                return candidates[r];
            }
        }
        Long found = recent.get(ByteBuffer.wrap(frame));
        if (found == null || !history.usable(found, rowStart) && found < rowStart) {
            byte[] ring = history.ring();
            FrameDelta.write(
                    frame,
                    0,
                    base < 0 ? null : ring,
                    base < 0 ? 0 : history.offset(base),
                    frame.length,
                    pending);
            long index = history.count;
            int at = history.appendSlot();
            System.arraycopy(frame, 0, history.ring(), at, frame.length);
            recent.put(ByteBuffer.wrap(frame.clone()), index);
            found = index;
        }
        codes[j] = -1 - found;
        return found;
    }

    private long usableFirst(long[] candidates) {
        return candidates.length > 0 && history.usable(candidates[0], rowStart)
                ? candidates[0]
                : -1;
    }

    private static int[] codes(long[] codes, long last, boolean marked) {
        int offset = marked ? 1 : 0;
        int[] refs = new int[codes.length + offset];
        for (int j = 0; j < codes.length; j++) {
            long c = codes[j];
            refs[j + offset] = c >= 0 ? (int) c : FrameHistory.CANDIDATES + (int) (last - (-1 - c));
        }
        return refs;
    }

    /** Whether frames 1..k-1 of {@code previous} are {@code frames} 0..k-2 (and usable). */
    private boolean shiftedFrom(long[] previous, byte[][] frames) {
        for (int j = 1; j < previous.length; j++) {
            if (!history.usable(previous[j], rowStart) || !equal(previous[j], frames[j - 1])) {
                return false;
            }
        }
        return true;
    }

    private boolean same(long[] indices, byte[][] frames) {
        for (int j = 0; j < indices.length; j++) {
            if (!history.usable(indices[j], rowStart) || !equal(indices[j], frames[j])) {
                return false;
            }
        }
        return true;
    }

    private boolean equal(long index, byte[] frame) {
        int at = history.offset(index);
        return Arrays.equals(history.ring(), at, at + frame.length, frame, 0, frame.length);
    }

    /** The frames of {@code obs}, in scratch slots from {@code first} on. */
    private byte[][] frames(byte[] obs, int first) {
        byte[][] out = new byte[layout.frames()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = slots[first + j];
            layout.extract(obs, 0, j, out[j], 0);
        }
        return out;
    }

    private boolean shiftedByOne(byte[] obs, byte[] next) {
        int c = layout.channels();
        int stride = c * layout.frames();
        for (int p = 0; p < layout.pixels(); p++) {
            int at = p * stride;
            if (!Arrays.equals(obs, at + c, at + stride, next, at, at + stride - c)) {
                return false;
            }
        }
        return true;
    }
}
