package io.replayflow.replay.segment;

import java.util.Optional;

/**
 * Where a policy-gradient learner takes its segments from: a segment dataset read FIFO, oldest
 * unused segments first, each segment handed out at most a configured number of times and never
 * after it falls out of the window (too old in versions or seconds). Owned by the learner's thread.
 */
public interface SegmentSource extends AutoCloseable {

    /**
     * The next {@code batchSize} segments, or empty when fewer are ready (the caller waits for the
     * pipeline and asks again). Never blocks for long.
     */
    Optional<SegmentBatch> next(int batchSize);

    /** Segments handed out so far, counting each use. */
    long segmentsServed();

    @Override
    void close();
}
