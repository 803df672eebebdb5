package io.replayflow.ingest.bench;

import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.avro.AvroParquetWriters;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The ingest job a user would write without ReplayFlow, as Flink's documentation shows it: a {@link
 * KafkaSource} bounded at the topic's end, the Avro single-object decoding of the generated class
 * ({@code Transition.getDecoder()}), and a {@link FileSink} with Flink's Avro-Parquet writer
 * ({@link AvroParquetWriters#forSpecificRecord}), exactly once through checkpoints, files rolled at
 * each checkpoint into Flink's default hourly (processing-time) buckets.
 *
 * <p>What it leaves out, and ReplayFlow's ingest does on the same records: validation against the
 * env table and the dead-letter topic, deduplication by transition identity, the clean and episode
 * topics, event-time partitions, compaction and ZSTD (flink-parquet's Avro writers write
 * uncompressed). {@link IngestBenchmark} times both over the same topic in the same run.
 */
final class TextbookIngestJob {

    private TextbookIngestJob() {}

    /**
     * Submits the job to {@code env}: reads {@code topic} from its start to its current end and
     * writes {@code <dir>/<yyyy-MM-dd--HH>/part-*.parquet}.
     */
    static JobClient start(
            StreamExecutionEnvironment env,
            String bootstrap,
            String topic,
            String groupId,
            int parallelism,
            Duration checkpointInterval,
            java.nio.file.Path dir)
            throws Exception {
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<Transition> source =
                KafkaSource.<Transition>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setProperty("isolation.level", "read_committed")
                        .setValueOnlyDeserializer(new SingleObjectTransitions())
                        .build();
        FileSink<Transition> sink =
                FileSink.forBulkFormat(
                                new Path(dir.toUri()),
                                AvroParquetWriters.forSpecificRecord(Transition.class))
                        .withRollingPolicy(OnCheckpointRollingPolicy.build())
                        .withOutputFileConfig(
                                OutputFileConfig.builder().withPartSuffix(".parquet").build())
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka transitions")
                .sinkTo(sink)
                .name("parquet files");
        return env.executeAsync("textbook-ingest-" + groupId);
    }

    /** Avro's own single-object decoding into the generated class. */
    private static final class SingleObjectTransitions
            extends AbstractDeserializationSchema<Transition> {

        @Override
        public Transition deserialize(byte[] message) throws IOException {
            return Transition.getDecoder().decode(message);
        }
    }
}
