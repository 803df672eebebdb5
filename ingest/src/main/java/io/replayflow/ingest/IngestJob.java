package io.replayflow.ingest;

import io.replayflow.ingest.kafka.IngestKafka;
import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.serde.AvroTrust;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job: {@code rf.transitions} (raw bytes) through {@link IngestPipeline} to the Parquet
 * experience log, {@code rf.transitions.clean}, {@code rf.transitions.dlq} and {@code rf.episodes},
 * exactly once.
 *
 * <p>Embedded ({@code ./replayflow stack}, tests):
 *
 * <pre>{@code
 * IngestConfig config = IngestConfig.builder()
 *         .bootstrapServers(stack.bootstrapServers())
 *         .dataRoot(stack.dataDir().toUri().toString())
 *         .build();
 * JobClient job = IngestJob.start(stack.executionEnvironment(), config);
 * }</pre>
 *
 * <p>On a cluster: {@code flink run -c io.replayflow.ingest.IngestJob
 * replayflow-ingest-<version>-job.jar --kafka.bootstrap.servers broker:9092 --data.root
 * s3://bucket/rf} (see {@code ingest/README.md}); the keys are those of {@link IngestOptions}.
 */
public final class IngestJob {

    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    static {
        AvroTrust.ensureTrusted();
    }

    private IngestJob() {}

    /** Builds the job on {@code env} and submits it without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, IngestConfig config)
            throws Exception {
        buildJob(env, config);
        JobClient client = env.executeAsync(jobName(config));
        LOG.info(
                "Started {} as job {}: {}",
                jobName(config),
                client.getJobID(),
                Secrets.redacted(config.toMap()));
        return client;
    }

    /** Configures {@code env} and adds the whole job (source, pipeline, sinks) to it. */
    public static void buildJob(StreamExecutionEnvironment env, IngestConfig config) {
        configure(env, config);
        IngestSinks.attach(IngestPipeline.build(readTransitions(env, config), config), config);
    }

    /**
     * Exactly-once checkpoints every {@code ingest.checkpoint.interval}, retained on cancellation
     * (so a cancelled job can restart from its last one); object reuse between chained operators
     * (no function keeps a reference to its input); no Kryo fallback.
     */
    public static void configure(StreamExecutionEnvironment env, IngestConfig config) {
        Configuration settings = new Configuration();
        settings.set(PipelineOptions.OBJECT_REUSE, true);
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        settings.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.configure(settings);
        env.enableCheckpointing(
                config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        config.parallelism().ifPresent(env::setParallelism);
    }

    /** The transitions topic as raw records. */
    public static DataStream<RawRecord> readTransitions(
            StreamExecutionEnvironment env, IngestConfig config) {
        return env.fromSource(
                        IngestKafka.transitionsSource(config),
                        WatermarkStrategy.noWatermarks(),
                        "kafka: " + config.topics().transitions())
                .uid("ingest-kafka-source");
    }

    public static String jobName(IngestConfig config) {
        return "replayflow-ingest: "
                + config.topics().transitions()
                + " -> "
                + config.experienceRoot();
    }

    /**
     * Entry point for {@code flink run}: settings come from the cluster configuration (including
     * {@code -D} dynamic properties) with {@code --key value} arguments on top.
     */
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        IngestConfig config =
                IngestConfig.fromConfiguration(settings(env.getConfiguration().toMap(), args));
        buildJob(env, config);
        env.execute(jobName(config));
    }

    /**
     * The job's settings: {@code base} overridden by arguments {@code --key value} or {@code
     * --key=value}; a flag without a value ({@code --kafka.bounded}) means {@code true}.
     *
     * @throws IllegalArgumentException for an argument that is not an option
     */
    public static Configuration settings(Map<String, String> base, String[] args) {
        Map<String, String> merged = new HashMap<>(base);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException(
                        "unexpected argument '"
                                + arg
                                + "': pass settings as --key value, e.g. --data.root"
                                + " s3://bucket/rf (keys: docs/CONFIG.md)");
            }
            String key = arg.substring(2);
            int eq = key.indexOf('=');
            if (eq > 0) {
                merged.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                merged.put(key, args[++i]);
            } else {
                merged.put(key, "true");
            }
        }
        return Configuration.fromMap(merged);
    }
}
