package io.replayflow.replay.limit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the ratio of samples drawn to rows inserted near a target, by blocking whichever side runs
 * ahead (after Reverb's {@code SampleToInsertRatio} rate limiter).
 *
 * <h2>Control law</h2>
 *
 * With I rows inserted, S samples drawn (rows, not batches), target r = {@code samplesPerInsert},
 * tolerance T and min size M, the sampler's deviation from the target is
 *
 * <pre>
 *   D = S - r * (I - M)
 * </pre>
 *
 * It counts from the moment the first M rows are in, so those fill the buffer without being owed r
 * samples each (Reverb's {@code SampleToInsertRatio} centres its band the same way). Then:
 *
 * <ul>
 *   <li>a sample of b rows may proceed iff {@code I >= M} and {@code D + b <= T};
 *   <li>an insert of n rows may proceed iff {@code I - R < M} or {@code D - r * n >= -T}, where R
 *       counts rows that left the buffer unsampled or not ({@link #removed}).
 * </ul>
 *
 * So a sampler more than T samples ahead waits for inserts, and an inserter more than T samples'
 * worth ahead waits for samples: D never exceeds T, and never falls below -T except right after the
 * fill phase, when the insert that crossed M can leave it lower until samples catch up. A call that
 * may proceed is counted at once, under the lock, before it returns.
 *
 * <h2>Why it cannot deadlock</h2>
 *
 * Both sides blocked needs {@code I >= M} and {@code T - b < D < r * n - T}, which is impossible
 * when {@code 2T >= b + r * n}; {@link SamplesPerInsertSettings} enforces that for the largest b
 * and n, and calls with larger ones are refused. Inserts are never held back before min size, so no
 * min size can stall the fill phase (unlike a band on {@code S - r * I} alone, where a min size
 * above about T / r would).
 *
 * <p>Rows can also leave the buffer: a window expires them, or compaction replaces the file that
 * held them. Were only the counts above consulted, an inserter held back while the sampler was
 * behind would stay held after every live row had gone, with nothing left to sample: both sides
 * stalled for good (seen in a MinAtar demo, where the trainer lagged the actors and the replay
 * store's compaction replaced the files it had admitted). So, as Reverb's rate limiter checks its
 * table's size rather than its insert count against the min size, inserts are allowed again while
 * fewer than M rows are live ({@code I - R < M}); D itself is unchanged, so the sampler still owes
 * what it owed.
 *
 * <h2>Threads</h2>
 *
 * Thread-safe: shared by the inserting thread and the sampling thread (more of each are allowed).
 * Waits are interruptible and bounded by a timeout. All state is guarded by one lock; a call holds
 * it for O(1) work.
 */
public final class SamplesPerInsertLimiter {

    private final SamplesPerInsertSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition sampleAllowed = lock.newCondition();
    private final Condition insertAllowed = lock.newCondition();

    private long inserted;
    private long sampled;
    private long removed;

    public SamplesPerInsertLimiter(SamplesPerInsertSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public SamplesPerInsertSettings settings() {
        return settings;
    }

    /**
     * Waits until a batch of {@code batch} samples may be drawn, then counts it.
     *
     * @return {@code true} once counted; {@code false} if {@code timeout} passed first (nothing
     *     counted)
     * @throws IllegalArgumentException if {@code batch} is not in [1, maxSampleBatch]
     * @throws InterruptedException if interrupted while waiting (nothing counted)
     */
    public boolean awaitCanSample(int batch, Duration timeout) throws InterruptedException {
        checkCount("batch", batch, "maxSampleBatch", settings.maxSampleBatch());
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!canSample(batch)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = sampleAllowed.awaitNanos(nanos);
            }
            sampled += batch;
            insertAllowed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code rows} rows may be inserted, then counts them.
     *
     * @return {@code true} once counted; {@code false} if {@code timeout} passed first (nothing
     *     counted)
     * @throws IllegalArgumentException if {@code rows} is not in [1, maxInsertBatch]
     * @throws InterruptedException if interrupted while waiting (nothing counted)
     */
    public boolean awaitCanInsert(int rows, Duration timeout) throws InterruptedException {
        checkCount("rows", rows, "maxInsertBatch", settings.maxInsertBatch());
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!canInsert(rows)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = insertAllowed.awaitNanos(nanos);
            }
            inserted += rows;
            sampleAllowed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts {@code rows} rows that left the buffer (expired, or their file replaced), so that an
     * inserter is let in again when fewer than min size rows are live.
     */
    public void removed(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("removed rows is " + rows + "; it must be >= 0");
        }
        lock.lock();
        try {
            removed += rows;
            insertAllowed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Rows counted as inserted so far (I). */
    public long inserted() {
        lock.lock();
        try {
            return inserted;
        } finally {
            lock.unlock();
        }
    }

    /** Samples counted as drawn so far (S). */
    public long sampled() {
        lock.lock();
        try {
            return sampled;
        } finally {
            lock.unlock();
        }
    }

    /** Current deviation {@code D = S - r * (I - M)}, in samples. */
    public double deviation() {
        lock.lock();
        try {
            return deviationLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Threads now waiting in {@link #awaitCanSample}; for metrics and tests. */
    public int waitingSamplers() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(sampleAllowed);
        } finally {
            lock.unlock();
        }
    }

    /** Threads now waiting in {@link #awaitCanInsert}; for metrics and tests. */
    public int waitingInserters() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(insertAllowed);
        } finally {
            lock.unlock();
        }
    }

    private boolean canSample(int batch) {
        return inserted >= settings.minSizeToSample()
                && deviationLocked() + batch <= settings.tolerance();
    }

    private boolean canInsert(int rows) {
        return inserted - removed < settings.minSizeToSample()
                || deviationLocked() - settings.samplesPerInsert() * rows >= -settings.tolerance();
    }

    private double deviationLocked() {
        return sampled - settings.samplesPerInsert() * (inserted - settings.minSizeToSample());
    }

    private static void checkCount(String name, int value, String limitName, int limit) {
        if (value < 1 || value > limit) {
            throw new IllegalArgumentException(
                    name
                            + " is "
                            + value
                            + "; it must be in [1, "
                            + limitName
                            + " = "
                            + limit
                            + "], the size the limiter was checked against deadlock for");
        }
    }
}
