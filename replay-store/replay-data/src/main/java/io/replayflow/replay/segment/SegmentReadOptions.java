package io.replayflow.replay.segment;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How a {@link SegmentDataset} reads: the segment length T of the batches it fills, how often a
 * segment may be used, the window, how often it lists the dataset for new files, and the learner's
 * current policy version (for the version bound) and clock (for the age bound).
 *
 * <pre>{@code
 * SegmentReadOptions options = SegmentReadOptions.defaults()
 *         .withLength(20)
 *         .withMaxUses(1)
 *         .withWindow(new SegmentWindow(Duration.ofSeconds(60), 4))
 *         .withLearnerVersion(() -> publisher.latestVersion());
 * }</pre>
 *
 * @param length T: the length of the batches' segments; the dataset's segments must not be longer
 *     (the job's {@code replay.segment.length})
 * @param maxUses how many times a segment is handed out at most (1: each once)
 * @param window the age and version-lag bounds
 * @param refreshInterval the least time between two listings of the dataset
 * @param learnerVersion the learner's latest policy version, for {@link
 *     SegmentWindow#maxVersionLag}; Long.MIN_VALUE (the default) when unknown, which bounds nothing
 * @param clock now, for {@link SegmentWindow#maxAge}
 */
public record SegmentReadOptions(
        int length,
        int maxUses,
        SegmentWindow window,
        Duration refreshInterval,
        LongSupplier learnerVersion,
        InstantSource clock) {

    public SegmentReadOptions {
        SegmentCutter.checkLength(length);
        if (maxUses < 1) {
            throw new IllegalArgumentException(
                    "segment max uses is " + maxUses + "; it must be >= 1 (1: on-policy)");
        }
        Objects.requireNonNull(window, "window");
        if (refreshInterval == null || refreshInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "segment refresh interval is " + refreshInterval + "; it must be >= 0");
        }
        Objects.requireNonNull(learnerVersion, "learnerVersion");
        Objects.requireNonNull(clock, "clock");
    }

    /** T = 20, one use, 60 s and no version bound, listing at most every 200 ms, system clock. */
    public static SegmentReadOptions defaults() {
        return new SegmentReadOptions(
                20,
                1,
                new SegmentWindow(Duration.ofSeconds(60), Long.MAX_VALUE),
                Duration.ofMillis(200),
                () -> Long.MIN_VALUE,
                InstantSource.system());
    }

    public SegmentReadOptions withLength(int t) {
        return new SegmentReadOptions(t, maxUses, window, refreshInterval, learnerVersion, clock);
    }

    public SegmentReadOptions withMaxUses(int uses) {
        return new SegmentReadOptions(length, uses, window, refreshInterval, learnerVersion, clock);
    }

    public SegmentReadOptions withWindow(SegmentWindow w) {
        return new SegmentReadOptions(length, maxUses, w, refreshInterval, learnerVersion, clock);
    }

    public SegmentReadOptions withRefreshInterval(Duration interval) {
        return new SegmentReadOptions(length, maxUses, window, interval, learnerVersion, clock);
    }

    public SegmentReadOptions withLearnerVersion(LongSupplier version) {
        return new SegmentReadOptions(length, maxUses, window, refreshInterval, version, clock);
    }

    public SegmentReadOptions withClock(InstantSource c) {
        return new SegmentReadOptions(length, maxUses, window, refreshInterval, learnerVersion, c);
    }
}
