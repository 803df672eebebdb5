package io.replayflow.replay.sample;

/**
 * The row bookkeeping every sampler shares: which row ids are live ({@link LiveRows}), with the
 * range checks of {@link Sampler#remove}. Subclasses decide how rows are drawn; a sampler with
 * per-row state (priorities) extends {@link #append} and {@link #remove}.
 */
abstract sealed class LiveRowSampler implements Sampler
        permits UniformSampler, PrioritizedSampler, FifoSampler {

    /** The live row ids. */
    final LiveRows rows = new LiveRows();

    @Override
    public int append(int count) {
        return rows.append(count);
    }

    @Override
    public int remove(int fromRow, int toRow) {
        RowChecks.checkRange(fromRow, toRow, rows);
        return rows.remove(fromRow, toRow);
    }

    @Override
    public final int liveRows() {
        return rows.count();
    }

    @Override
    public final int endRow() {
        return rows.end();
    }

    @Override
    public final boolean isLive(int rowId) {
        return rows.contains(rowId);
    }
}
