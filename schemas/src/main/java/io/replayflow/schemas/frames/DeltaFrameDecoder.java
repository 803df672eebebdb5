package io.replayflow.schemas.frames;

/**
 * {@link FrameDecoder}'s {@link FrameCodec#ONCE_V2} rows: the mirror of {@link DeltaFrameEncoder},
 * resolving each reference code in the same order against the same {@link FrameHistory} and
 * rebuilding each new frame from its base as it is first referenced. Not thread-safe.
 */
final class DeltaFrameDecoder {

    private final FrameLayout layout;
    private final FrameHistory history;

    // Per row.
    private long rowStart;
    private long last;
    private byte[] blob;
    private int blobAt;
    private int blobEnd;

    DeltaFrameDecoder(FrameLayout layout, int window) {
        this.layout = layout;
        this.history = new FrameHistory(layout, window);
    }

    /** See {@link FrameDecoder}. */
    void decode(
            Object episode,
            int action,
            byte[] newFrames,
            int newOffset,
            int newLength,
            int[] obsRefs,
            int obsCount,
            int[] nextRefs,
            int nextCount,
            int[] bootRefs,
            int bootCount,
            byte[] obsDst,
            int obsOff,
            byte[] nextDst,
            int nextOff,
            byte[] bootDst,
            int bootOff) {
        int k = layout.frames();
        int frameBytes = layout.frameBytes();
        blob = newFrames;
        blobAt = newOffset;
        blobEnd = newOffset + newLength;
        int stored = FrameDelta.count(newFrames, newOffset, blobEnd, frameBytes);
        rowStart = history.count;
        last = rowStart + stored - 1;

        int obsFirst = 0;
        if (obsCount == k + 1) {
            history.restart(); // the first row of a file's encoder
            obsFirst = 1;
        }
        long[] obsIdx;
        boolean obsExplicit = obsCount != 0;
        if (!obsExplicit) {
            obsIdx = history.lastNextObs(episode);
            if (obsIdx == null) {
                throw FrameDelta.corrupt(
                        "its obs is the episode's previous next_obs, but no earlier row of "
                                + episode
                                + " was read");
            }
        } else {
            count("an obs", obsCount - obsFirst, k);
            obsIdx = new long[k];
            long[] starts = history.starts();
            for (int j = 0; j < k; j++) {
                long base = j > 0 ? obsIdx[j - 1] : usableFirst(starts);
                obsIdx[j] = resolve(obsRefs[obsFirst + j], starts, base);
            }
        }

        long from = obsIdx[k - 1];
        long[] successors = history.successors(from);
        long[] nextIdx = new long[k];
        if (nextCount <= 1) {
            System.arraycopy(obsIdx, 1, nextIdx, 0, k - 1);
            if (nextCount == 0) {
                long p = history.predicted(from, action);
                if (p < 0 || !history.usable(p, rowStart)) {
                    throw FrameDelta.corrupt(
                            "its next_obs is the predicted frame, but none was read before");
                }
                nextIdx[k - 1] = p;
            } else {
                long base = usableFirst(successors);
                nextIdx[k - 1] = resolve(nextRefs[0], successors, base >= 0 ? base : from);
            }
        } else {
            count("a next_obs", nextCount, k);
            for (int j = 0; j < k; j++) {
                nextIdx[j] = resolve(nextRefs[j], successors, obsIdx[j]);
            }
        }

        long[] bootIdx = null;
        if (bootCount == 0) {
            bootIdx = nextIdx;
        } else if (bootCount > 0) {
            long[] previous = history.lastBootstrap(episode);
            long[] candidates = history.bootstrapCandidates(previous, nextIdx[k - 1]);
            bootIdx = new long[k];
            if (bootCount == 1) {
                if (k > 1) {
                    if (previous == null) {
                        throw FrameDelta.corrupt(
                                "its bootstrap observation shifts the episode's previous one,"
                                        + " but no earlier row of "
                                        + episode
                                        + " had one");
                    }
                    System.arraycopy(previous, 1, bootIdx, 0, k - 1);
                }
                long base = usableFirst(candidates);
                bootIdx[k - 1] =
                        resolve(bootRefs[0], candidates, base >= 0 ? base : nextIdx[k - 1]);
            } else {
                count("a bootstrap observation", bootCount, k);
                for (int j = 0; j < k; j++) {
                    bootIdx[j] = resolve(bootRefs[j], candidates, nextIdx[j]);
                }
            }
        }
        if (history.count != last + 1) {
            throw FrameDelta.corrupt(
                    "it stores " + stored + " new frames but references fewer of them");
        }
        history.record(episode, obsIdx, obsExplicit, action, nextIdx, bootIdx);
        write(obsIdx, obsDst, obsOff);
        write(nextIdx, nextDst, nextOff);
        if (bootIdx != null) {
            write(bootIdx, bootDst, bootOff);
        }
    }

    private long resolve(int code, long[] candidates, long base) {
        if (code < 0) {
            throw FrameDelta.corrupt("a negative frame reference " + code);
        }
        if (code < FrameHistory.CANDIDATES) {
            if (code >= candidates.length || !history.usable(candidates[code], rowStart)) {
                throw FrameDelta.corrupt("a frame reference to candidate " + code + " of none");
            }
            return candidates[code];
        }
        long distance = code - FrameHistory.CANDIDATES;
        long index = last - distance;
        if (index < 0 || distance >= history.window || index > history.count) {
            throw FrameDelta.corrupt(
                    "a frame reference "
                            + distance
                            + " points before the file's first frame, beyond the window of "
                            + history.window
                            + " or past the row's new frames");
        }
        if (index == history.count) {
            byte[] baseFrame = null;
            if (base >= 0) {
                int from = history.offset(base);
                baseFrame =
                        java.util.Arrays.copyOfRange(
                                history.ring(), from, from + layout.frameBytes());
            }
            int at = history.appendSlot();
            blobAt =
                    FrameDelta.read(
                            blob,
                            blobAt,
                            blobEnd,
                            baseFrame,
                            0,
                            history.ring(),
                            at,
                            layout.frameBytes());
        }
        return index;
    }

    private long usableFirst(long[] candidates) {
        return candidates.length > 0 && history.usable(candidates[0], rowStart)
                ? candidates[0]
                : -1;
    }

    private void count(String what, int count, int k) {
        if (count != k) {
            throw FrameDelta.corrupt(what + " has " + count + " frame references, not " + k);
        }
    }

    private void write(long[] idx, byte[] dst, int off) {
        for (int j = 0; j < idx.length; j++) {
            if (history.count - idx[j] > history.window) {
                throw FrameDelta.corrupt(
                        "frame " + idx[j] + " is out of the window of " + history.window);
            }
            layout.place(history.ring(), history.offset(idx[j]), j, dst, off);
        }
    }
}
