package io.replayflow.ingest.log;

import io.replayflow.ingest.IngestConfig;
import io.replayflow.schemas.avro.Transition;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The experience log: Flink's file sink writing {@link Transition}s as Parquet under {@code
 * <root>/experience/env_id=…/date=…/hour=…/}, exactly once.
 *
 * <p>Files roll on every checkpoint and become visible only when it completes; until then they are
 * hidden ({@code .}-prefixed) in-progress files. With compaction on (the default), a partition's
 * files are staged hidden and merged by {@link ParquetCompactor} once they reach {@code
 * ingest.log.compaction.target-size} or after {@code ingest.log.compaction.max-delay} (default: at
 * every checkpoint, so a committed record is visible one checkpoint later, however many hourly
 * partitions a bulk load touches); only the merged {@code compacted-part-…parquet} files become
 * visible, each by one rename, and the staged inputs never are, so a reader racing compaction sees
 * every committed row once. Spark, Trino and Hive skip hidden files; DuckDB does not, so DuckDB
 * readers glob <code>[!.]&#42;.parquet</code>:
 *
 * <pre>
 * SELECT count(*) FROM read_parquet('/data/experience/&#42;/&#42;/&#42;/[!.]&#42;.parquet',
 *                                   hive_partitioning = true);
 * </pre>
 */
public final class ExperienceLog {

    /** Visible files start with this (after {@code compacted-} when compaction is on). */
    public static final String PART_PREFIX = "part";

    public static final String PART_SUFFIX = ".parquet";

    private ExperienceLog() {}

    public static FileSink<Transition> sink(IngestConfig config) {
        var builder =
                FileSink.forBulkFormat(
                                new Path(config.experienceRoot()),
                                new LazyParquetWriterFactory(
                                        config.logCompression(), config.rowGroupBytes()))
                        .withBucketAssigner(new HivePartitionAssigner())
                        .withRollingPolicy(OnCheckpointRollingPolicy.build())
                        .withOutputFileConfig(
                                OutputFileConfig.builder()
                                        .withPartPrefix(PART_PREFIX)
                                        .withPartSuffix(PART_SUFFIX)
                                        .build());
        if (config.compactionEnabled()) {
            builder.enableCompact(
                    FileCompactStrategy.Builder.newBuilder()
                            .setSizeThreshold(config.compactionTargetBytes())
                            .enableCompactionOnCheckpoint(config.compactionCheckpoints())
                            .setNumCompactThreads(1)
                            .build(),
                    new ParquetCompactor(config.logCompression(), config.rowGroupBytes()));
        } else {
            builder.disableCompact();
        }
        return builder.build();
    }
}
