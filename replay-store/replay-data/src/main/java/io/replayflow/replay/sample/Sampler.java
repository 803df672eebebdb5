package io.replayflow.replay.sample;

import java.util.random.RandomGenerator;

/**
 * Chooses the rows of a replay dataset that go into the next training batch.
 *
 * <h2>Rows</h2>
 *
 * Rows are dataset row ids. {@link #append} hands them out in order from 0 and they are never
 * reused. A row is <em>live</em> from its append until {@link #remove} (or {@link #retainFrom})
 * takes it out; removal is final, and {@link #sample} only ever returns live rows. When an old
 * Parquet partition expires, the reader removes that partition's row range; removing rows that are
 * already gone is a no-op, so a retried expiry is harmless.
 *
 * <h2>Priorities</h2>
 *
 * {@link #update} takes a new priority for a row. Only {@link PrioritizedSampler} uses it; the
 * others validate and ignore it, so a trainer can send TD errors whatever the sampler. An update
 * for a row that has been removed is ignored and reported as {@code false}: priorities arrive after
 * the batch was drawn, and its rows may have expired meanwhile.
 *
 * <h2>Cost and threads</h2>
 *
 * Each implementation states the cost of its operations. None allocates in {@link #sample} or
 * {@link #update}. Not thread-safe: a sampler is owned by one thread (the reader subtask that
 * samples), which also applies appends, removals and priority updates.
 */
public sealed interface Sampler permits LiveRowSampler {

    /** Every live row equally likely, drawn independently with replacement. */
    static UniformSampler uniform(RandomGenerator rng) {
        return new UniformSampler(rng);
    }

    /**
     * Proportional prioritized replay with exponent {@code alpha} and importance weights annealed
     * by {@code beta}; new rows enter at the running max priority (starting at 1). A common preset
     * is {@code prioritized(0.6, new BetaSchedule(0.4, trainSteps), rng)}.
     */
    static PrioritizedSampler prioritized(double alpha, BetaSchedule beta, RandomGenerator rng) {
        return new PrioritizedSampler(
                alpha,
                beta,
                PrioritizedSampler.DEFAULT_INITIAL_PRIORITY,
                PrioritizedSampler.DEFAULT_INITIAL_CAPACITY,
                rng);
    }

    /**
     * As {@link #prioritized(double, BetaSchedule, RandomGenerator)}, with the beta schedule
     * resumed at {@code betaStartStep}: the first sample call uses {@code beta.beta(betaStartStep)}
     * (a trainer resuming at step s passes s).
     */
    static PrioritizedSampler prioritized(
            double alpha, BetaSchedule beta, long betaStartStep, RandomGenerator rng) {
        return new PrioritizedSampler(
                alpha,
                beta,
                betaStartStep,
                PrioritizedSampler.DEFAULT_INITIAL_PRIORITY,
                PrioritizedSampler.DEFAULT_INITIAL_CAPACITY,
                rng);
    }

    /** Live rows in id order, oldest first, wrapping around to the oldest after the newest. */
    static FifoSampler fifo() {
        return new FifoSampler();
    }

    /** Appends {@code count} live rows and returns the id of the first; ids are consecutive. */
    int append(int count);

    /**
     * Removes rows {@code [fromRow, toRow)} for good; rows already removed are skipped.
     *
     * @return how many rows were live and now are not
     * @throws IllegalArgumentException unless {@code 0 <= fromRow <= toRow <= endRow()}
     */
    int remove(int fromRow, int toRow);

    /** Removes every row below {@code firstLiveRow}: the expiry of a prefix of the dataset. */
    default int retainFrom(int firstLiveRow) {
        return remove(0, firstLiveRow);
    }

    /** Number of live rows. */
    int liveRows();

    /** One past the last appended row id: the id the next {@link #append} starts at. */
    int endRow();

    /** Whether {@code rowId} has been appended and not removed. */
    boolean isLive(int rowId);

    /**
     * Fills every slot of {@code batch} with a live row, its weight and its probability.
     *
     * @throws IllegalStateException if no row can be drawn (none live, or all of priority 0)
     */
    void sample(SampleBatch batch);

    /**
     * Sets the priority of {@code rowId}.
     *
     * @return {@code true} if the row is live, {@code false} if it was removed (update ignored)
     * @throws IllegalArgumentException if the row was never appended or the priority is NaN,
     *     negative or infinite; the message names the row and the value
     */
    boolean update(int rowId, double priority);

    /**
     * Applies {@code update(rowIds[j], priorities[j])} for {@code j < count}, checking every entry
     * first so that a bad one changes nothing.
     *
     * @return how many rows were live and got their update
     */
    int update(int[] rowIds, double[] priorities, int count);
}
