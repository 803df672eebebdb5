package io.replayflow.replay.backfill;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.row.ReplayRow;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps the log's {@link ReplayRow}s those in the {@link BackfillRange} (vector and image
 * observations alike, as in the streaming job's decoder). Counts what it read in two accumulators
 * the backfill reports as progress: {@link #ROWS_READ} and {@link #PARTITIONS_READ} (partitions
 * this subtask started; two subtasks reading files of one partition both count it, so the caller
 * caps it at the total).
 */
final class LogRows extends RichFlatMapFunction<ReplayRow, ReplayRow> {

    static final String ROWS_READ = "backfill-rows-read";
    static final String PARTITIONS_READ = "backfill-partitions-read";

    private final BackfillRange range;
    private transient LongCounter rowsRead;
    private transient LongCounter partitionsRead;
    private transient Set<PartitionPath> seen;

    LogRows(BackfillRange range) {
        this.range = range;
    }

    @Override
    public void open(OpenContext openContext) {
        rowsRead = getRuntimeContext().getLongCounter(ROWS_READ);
        partitionsRead = getRuntimeContext().getLongCounter(PARTITIONS_READ);
        seen = new HashSet<>();
    }

    @Override
    public void flatMap(ReplayRow row, Collector<ReplayRow> out) {
        rowsRead.add(1);
        if (seen.add(row.partition())) {
            partitionsRead.add(1);
        }
        if (range.includes(row)) {
            out.collect(row);
        }
    }
}
