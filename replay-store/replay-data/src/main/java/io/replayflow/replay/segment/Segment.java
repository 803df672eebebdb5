package io.replayflow.replay.segment;

/**
 * One trajectory segment as the reader holds it: up to {@code length} steps of one episode, filled
 * row by row as its rows are read (a segment whose rows straddle two files completes when the
 * second is read). Not thread-safe; owned by the reader.
 */
final class Segment {

    final String id;
    final String episodeKey;
    final long firstStep;
    final int length;
    final int obsDim;
    final float[] obs; // [length * obsDim]
    final int[] actions; // [length]
    final float[] rewards; // [length]
    final float[] behaviorProbs; // [length]
    final long[] policyVersions; // [length]
    final boolean[] terminated; // [length]
    final long[] eventTimeMs; // [length]
    final float[] bootstrapObs; // [obsDim]: next_obs of the last step
    private final boolean[] seen; // [length]
    private int filled;
    int uses;

    Segment(String id, int length, int obsDim) {
        this.id = id;
        this.episodeKey = SegmentCutter.episodeKey(id);
        this.firstStep = SegmentCutter.firstStep(id);
        this.length = length;
        this.obsDim = obsDim;
        this.obs = new float[length * obsDim];
        this.actions = new int[length];
        this.rewards = new float[length];
        this.behaviorProbs = new float[length];
        this.policyVersions = new long[length];
        this.terminated = new boolean[length];
        this.eventTimeMs = new long[length];
        this.bootstrapObs = new float[obsDim];
        this.seen = new boolean[length];
    }

    /** Marks step {@code t} as read; false when it was read before (a duplicate row). */
    boolean markSeen(int t) {
        if (seen[t]) {
            return false;
        }
        seen[t] = true;
        filled++;
        return true;
    }

    boolean complete() {
        return filled == length;
    }

    /** The newest event time among the steps read so far. */
    long newestEventTimeMs() {
        long newest = Long.MIN_VALUE;
        for (int t = 0; t < length; t++) {
            if (seen[t]) {
                newest = Math.max(newest, eventTimeMs[t]);
            }
        }
        return newest;
    }

    /** The oldest policy version among the steps read so far. */
    long oldestPolicyVersion() {
        long oldest = Long.MAX_VALUE;
        for (int t = 0; t < length; t++) {
            if (seen[t]) {
                oldest = Math.min(oldest, policyVersions[t]);
            }
        }
        return oldest;
    }

    /** Whether the last step terminated its episode (the value past it is 0). */
    boolean endsTerminated() {
        return terminated[length - 1];
    }
}
