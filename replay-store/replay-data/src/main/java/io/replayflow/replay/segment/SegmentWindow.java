package io.replayflow.replay.segment;

import java.time.Duration;

/**
 * Which segments are still on-policy enough to learn from: a segment leaves once its newest step is
 * older than {@code maxAge}, or once its oldest policy version lags the learner's version by more
 * than {@code maxVersionLag}.
 *
 * @param maxAge the most time between a segment's newest step and now
 * @param maxVersionLag the most versions between the learner's latest version and the oldest
 *     version that acted in the segment; {@link Long#MAX_VALUE} for no bound
 */
public record SegmentWindow(Duration maxAge, long maxVersionLag) {

    public SegmentWindow {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException(
                    "segment window max age is " + maxAge + "; it must be > 0 (e.g. 60s)");
        }
        if (maxVersionLag < 0) {
            throw new IllegalArgumentException(
                    "segment window max version lag is "
                            + maxVersionLag
                            + "; it must be >= 0 (0: only the learner's latest version)");
        }
    }

    /**
     * Whether {@code segment} is out of the window at {@code nowMs} for a learner at {@code
     * version}.
     */
    boolean excludes(Segment segment, long nowMs, long learnerVersion) {
        if (nowMs - segment.newestEventTimeMs() > maxAge.toMillis()) {
            return true;
        }
        long oldest = segment.oldestPolicyVersion();
        // An unknown learner version (Long.MIN_VALUE), or one behind the actors, lags by nothing.
        return learnerVersion > oldest && learnerVersion - oldest > maxVersionLag;
    }
}
