package io.replayflow.ingest.log;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.schemas.avro.Transition;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Assigns each transition to its {@link PartitionPath} by env id and event time (not processing
 * time, so a replayed or late record lands where its hour is). Remembers the last partition, since
 * consecutive records almost always share it.
 */
public final class HivePartitionAssigner implements BucketAssigner<Transition, String> {

    private static final long serialVersionUID = 1L;

    private transient String lastEnv;
    private transient long lastHour;
    private transient String lastPath;

    @Override
    public String getBucketId(Transition t, Context context) {
        long hour = Math.floorDiv(t.getEventTimeMs(), PartitionPath.HOUR_MS);
        String env = t.getEnvId();
        if (lastPath == null || hour != lastHour || !env.equals(lastEnv)) {
            lastPath = new PartitionPath(env, hour * PartitionPath.HOUR_MS).relativePath();
            lastEnv = env;
            lastHour = hour;
        }
        return lastPath;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "HivePartitionAssigner(env_id/date/hour by event time, UTC)";
    }
}
