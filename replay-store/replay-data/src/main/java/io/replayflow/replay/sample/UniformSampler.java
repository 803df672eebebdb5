package io.replayflow.replay.sample;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Draws live rows uniformly and independently, with replacement. Every slot gets weight 1 and
 * probability {@code 1 / liveRows()}. Priorities are validated and ignored.
 *
 * <p>Cost, with r the number of live row ranges (1 while rows expire as a prefix): {@link #sample}
 * of k rows O(k log r); {@link #append} O(1); {@link #remove} O(r); {@link #update} O(log r). Not
 * thread-safe; owned by one thread.
 */
public final class UniformSampler extends LiveRowSampler {

    private final RandomGenerator rng;

    UniformSampler(RandomGenerator rng) {
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    @Override
    public void sample(SampleBatch batch) {
        RowChecks.checkCanSample(rows);
        int live = rows.count();
        double probability = 1.0 / live;
        int[] rowIds = batch.rowIds();
        for (int j = 0; j < rowIds.length; j++) {
            rowIds[j] = rows.select(rng.nextInt(live));
            batch.weights()[j] = 1.0f;
            batch.probabilities()[j] = probability;
        }
    }

    @Override
    public boolean update(int rowId, double priority) {
        RowChecks.checkAppended(rowId, rows);
        RowChecks.checkPriority(rowId, priority);
        return rows.contains(rowId);
    }

    @Override
    public int update(int[] rowIds, double[] priorities, int count) {
        RowChecks.checkUpdates(rowIds, priorities, count, rows);
        int live = 0;
        for (int j = 0; j < count; j++) {
            live += rows.contains(rowIds[j]) ? 1 : 0;
        }
        return live;
    }
}
