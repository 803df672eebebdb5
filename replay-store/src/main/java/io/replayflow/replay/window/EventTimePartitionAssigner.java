package io.replayflow.replay.window;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.row.ReplayRow;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Puts each row in the partition of its own event time, {@code env_id=…/date=…/hour=…} (UTC), so
 * the dataset is partitioned exactly like the experience log and a window is a set of directories.
 */
public final class EventTimePartitionAssigner implements BucketAssigner<ReplayRow, String> {

    private transient PartitionPath lastPartition;
    private transient String lastBucket;

    @Override
    public String getBucketId(ReplayRow row, Context context) {
        // consecutive rows mostly share a partition: its directory name is built once for them
        PartitionPath partition = row.partition();
        if (!partition.equals(lastPartition)) {
            lastPartition = partition;
            lastBucket = partition.relativePath();
        }
        return lastBucket;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "EventTimePartitionAssigner{env_id/date/hour}";
    }
}
