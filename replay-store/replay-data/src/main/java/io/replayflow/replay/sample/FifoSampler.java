package io.replayflow.replay.sample;

/**
 * Hands out live rows in id order, oldest first, continuing where the previous batch stopped; after
 * the newest live row it wraps around to the oldest. Rows appended meanwhile are reached in the
 * same pass, removed rows are skipped. Paired with a {@code SamplesPerInsertLimiter} at one sample
 * per insert it reads each row about once, like a queue; without one it cycles through the dataset
 * in epochs. Every slot gets weight 1 and probability 1 (the choice is deterministic). Priorities
 * are validated and ignored.
 *
 * <p>Cost, with r the number of live row ranges: {@link #sample} of k rows O(k log r); {@link
 * #append} O(1); {@link #remove} O(r); {@link #update} O(log r). Not thread-safe; owned by one
 * thread.
 */
public final class FifoSampler extends LiveRowSampler {

    /** The next row to hand out if it is still live. */
    private int cursor;

    FifoSampler() {}

    @Override
    public void sample(SampleBatch batch) {
        RowChecks.checkCanSample(rows);
        int[] rowIds = batch.rowIds();
        for (int j = 0; j < rowIds.length; j++) {
            int row = rows.nextAtOrAfter(cursor);
            if (row < 0) {
                row = rows.first();
            }
            rowIds[j] = row;
            cursor = row + 1;
            batch.weights()[j] = 1.0f;
            batch.probabilities()[j] = 1.0;
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
