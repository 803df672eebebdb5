package io.replayflow.replay.sample;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Proportional prioritized replay (Schaul et al., "Prioritized Experience Replay", ICLR 2016):
 *
 * <pre>
 *   P(i) = p_i^alpha / sum_k p_k^alpha                        over the N live rows
 *   w_i  = (N * P(i))^-beta / max_j (N * P(j))^-beta  =  (min_j p_j^alpha / p_i^alpha)^beta
 * </pre>
 *
 * The max runs over the live rows that can be drawn ({@code p_j > 0}), not over the batch, so a
 * row's weight does not depend on its batch-mates and the largest possible weight is 1: weights
 * only scale updates down (paper, section 3.4). Beta for the {@code t}-th call of {@link #sample}
 * (from 0) is {@code betaSchedule.beta(betaStartStep + t)}; {@link #betaStep()} is the schedule
 * position the next call uses.
 *
 * <h2>Resuming</h2>
 *
 * The sampler itself is not saved: a reader rebuilds it from the dataset and its priority files.
 * The one piece of progress it carries, the position in the beta schedule, is derived from the
 * trainer's step instead: a trainer draws one batch per training step, so a trainer resuming at
 * step {@code s} creates the sampler with {@code betaStartStep = s} and the same schedule, and beta
 * continues exactly where the previous run left it ({@code SamplerSpec.prioritized(alpha, beta, s)}
 * on the reader). A trainer that draws at another rate saves {@link #betaStep()} (also {@code
 * ReplayDataset.betaStep()}) and passes that back.
 *
 * <h2>Priorities</h2>
 *
 * {@code p_i} is what {@link #update} received (e.g. |td error| + epsilon); the sampler stores
 * {@code p_i^alpha}. A row of priority 0 is never drawn, for any alpha (0^0 counts as 0 here). New
 * rows enter at the largest priority seen so far ({@code initialPriority} until an update exceeds
 * it), so each row is drawn soon after it arrives; that running max never decreases. If every live
 * row has priority 0, {@link #sample} fails rather than silently falling back to uniform.
 *
 * <h2>Drawing</h2>
 *
 * A batch of k is stratified: the total is cut into k equal segments and one row is drawn in each
 * ({@link SumTree#sampleStratified}). Each draw has marginal probability {@code P(i)}, which is
 * what {@link SampleBatch#probabilities()} reports.
 *
 * <h2>Storage</h2>
 *
 * Row {@code r} lives in tree slot {@code r - base}. When appends reach the end of the trees, the
 * dead prefix below the first live row is compacted away and the trees double if they would still
 * be more than half full, so memory follows the span of live rows, not the number ever appended.
 *
 * <h2>Cost</h2>
 *
 * n = tree slots, a power of two between the span of live rows and about four times it; r = live
 * row ranges. {@link #sample} of k rows: O(k log n), no allocation. {@link #update}: O(log n).
 * {@link #append} of k rows: O(k + log n), plus an occasional O(n) compaction or growth, amortized
 * O(1) per row. {@link #remove} of k rows: O(k + log n + r). Memory: 32 bytes per slot (a sum tree
 * and a min tree of 2n doubles each), 32 MiB for 1M rows. Not thread-safe; owned by one thread.
 */
public final class PrioritizedSampler extends LiveRowSampler {

    /** Priority of the first rows, before any update has raised the running max. */
    public static final double DEFAULT_INITIAL_PRIORITY = 1.0;

    /** Initial tree capacity of {@link Sampler#prioritized}; the trees grow as rows arrive. */
    public static final int DEFAULT_INITIAL_CAPACITY = 1024;

    private final double alpha;
    private final BetaSchedule betaSchedule;
    private final RandomGenerator rng;

    /** {@code p^alpha} per slot; 0 for removed slots. */
    private final SumTree sums;

    /** {@code p^alpha} per slot with {@code p > 0}; +Infinity otherwise. */
    private final MinTree mins;

    /** Row id held in slot 0. */
    private int base;

    private double maxPriority;
    private long step;

    /** A sampler whose beta schedule starts at step 0. */
    public PrioritizedSampler(
            double alpha,
            BetaSchedule betaSchedule,
            double initialPriority,
            int initialCapacity,
            RandomGenerator rng) {
        this(alpha, betaSchedule, 0L, initialPriority, initialCapacity, rng);
    }

    /**
     * @param alpha priority exponent, finite and >= 0 (0 is uniform over positive priorities)
     * @param betaSchedule importance-weight exponent per sample call
     * @param betaStartStep schedule position of the first sample call, >= 0 (the trainer's step
     *     when resuming)
     * @param initialPriority priority of new rows until an update exceeds it; finite, > 0
     * @param initialCapacity rows the trees hold before their first growth
     * @param rng the only source of randomness; pass one with an explicit seed
     */
    public PrioritizedSampler(
            double alpha,
            BetaSchedule betaSchedule,
            long betaStartStep,
            double initialPriority,
            int initialCapacity,
            RandomGenerator rng) {
        if (betaStartStep < 0) {
            throw new IllegalArgumentException(
                    "betaStartStep is " + betaStartStep + "; it must be >= 0 (0 = a fresh start)");
        }
        if (!(alpha >= 0.0) || alpha == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "alpha is "
                            + alpha
                            + "; it must be finite and >= 0 (0.6 is usual, 0 = uniform)");
        }
        if (!(initialPriority > 0.0) || initialPriority == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "initialPriority is "
                            + initialPriority
                            + "; it must be finite and > 0 (1.0 is usual)");
        }
        this.alpha = alpha;
        this.betaSchedule = Objects.requireNonNull(betaSchedule, "betaSchedule");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.maxPriority = initialPriority;
        this.step = betaStartStep;
        this.sums = new SumTree(initialCapacity);
        this.mins = new MinTree(sums.capacity());
    }

    @Override
    public int append(int count) {
        int first = rows.append(count);
        if (count == 0) {
            return first;
        }
        makeRoom(rows.end());
        double scaled = scale(first, maxPriority);
        sums.fill(first - base, first - base + count, scaled);
        mins.fill(first - base, first - base + count, scaled);
        return first;
    }

    @Override
    public int remove(int fromRow, int toRow) {
        RowChecks.checkRange(fromRow, toRow, rows);
        int from = Math.max(fromRow, rows.first());
        int removed = rows.remove(fromRow, toRow);
        if (from < toRow) {
            sums.fill(from - base, toRow - base, 0.0);
            mins.fill(from - base, toRow - base, Double.POSITIVE_INFINITY);
        }
        return removed;
    }

    @Override
    public void sample(SampleBatch batch) {
        RowChecks.checkCanSample(rows);
        double total = sums.total();
        if (!(total > 0.0)) {
            throw new IllegalStateException(
                    "cannot sample: all "
                            + rows.count()
                            + " live rows have priority 0; give rows a positive priority"
                            + " (e.g. |td error| + 1e-6)");
        }
        double beta = betaSchedule.beta(step++);
        double minScaled = mins.min();
        int[] rowIds = batch.rowIds();
        sums.sampleStratified(rng, rowIds, rowIds.length);
        for (int j = 0; j < rowIds.length; j++) {
            double scaled = sums.get(rowIds[j]);
            batch.probabilities()[j] = scaled / total;
            batch.weights()[j] = (float) Math.pow(minScaled / scaled, beta);
            rowIds[j] += base;
        }
    }

    @Override
    public boolean update(int rowId, double priority) {
        RowChecks.checkAppended(rowId, rows);
        RowChecks.checkPriority(rowId, priority);
        if (!rows.contains(rowId)) {
            return false;
        }
        apply(rowId, priority, scale(rowId, priority));
        return true;
    }

    @Override
    public int update(int[] rowIds, double[] priorities, int count) {
        RowChecks.checkUpdates(rowIds, priorities, count, rows);
        for (int j = 0; j < count; j++) {
            scale(rowIds[j], priorities[j]); // rejects overflow before anything changes
        }
        int applied = 0;
        for (int j = 0; j < count; j++) {
            if (rows.contains(rowIds[j])) {
                apply(rowIds[j], priorities[j], scale(rowIds[j], priorities[j]));
                applied++;
            }
        }
        return applied;
    }

    /**
     * The beta schedule position the next {@link #sample} uses: the start step plus the calls so
     * far. Save it (or the trainer step it follows) to resume the schedule.
     */
    public long betaStep() {
        return step;
    }

    /** Beta of the next {@link #sample} call. */
    public double nextBeta() {
        return betaSchedule.beta(step);
    }

    /** Slots in each tree; memory follows this. */
    int slotCapacity() {
        return sums.capacity();
    }

    private void apply(int rowId, double priority, double scaled) {
        maxPriority = Math.max(maxPriority, priority);
        sums.set(rowId - base, scaled);
        mins.set(rowId - base, scaled > 0.0 ? scaled : Double.POSITIVE_INFINITY);
    }

    /** {@code p^alpha}, with 0 for p = 0; rejects a result that overflows to infinity. */
    private double scale(int rowId, double priority) {
        if (priority == 0.0) {
            return 0.0;
        }
        double scaled = alpha == 1.0 ? priority : Math.pow(priority, alpha);
        if (scaled == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "priority for row "
                            + rowId
                            + " is "
                            + priority
                            + ", which overflows to infinity at alpha "
                            + alpha
                            + "; rescale priorities");
        }
        return scaled;
    }

    /**
     * Makes slots for rows up to {@code newEnd}: compacts the dead prefix, grows to fit, and
     * doubles when still over half full so that the next O(n) step is at least n/2 rows away.
     */
    private void makeRoom(int newEnd) {
        if (newEnd - base <= sums.capacity()) {
            return;
        }
        int firstLive = rows.first();
        if (firstLive > base) {
            sums.shiftDown(firstLive - base);
            mins.shiftDown(firstLive - base);
            base = firstLive;
        }
        int span = newEnd - firstLive;
        if (span > SumTree.MAX_CAPACITY) {
            throw new IllegalStateException(
                    "cannot hold "
                            + span
                            + " rows from the first live row on; the maximum is "
                            + SumTree.MAX_CAPACITY
                            + "; remove expired rows first");
        }
        if (span > sums.capacity()) {
            sums.ensureCapacity(span);
        } else if (span > sums.capacity() / 2 && sums.capacity() < SumTree.MAX_CAPACITY) {
            sums.ensureCapacity(2 * sums.capacity());
        }
        mins.ensureCapacity(sums.capacity());
    }
}
