package io.replayflow.replay.job;

import io.replayflow.replay.job.internal.PolicyVersionDeserializer;
import io.replayflow.replay.job.internal.PriorityUpdateDeserializer;
import io.replayflow.replay.job.internal.TransitionDeserializer;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.scoring.PolicyAnnouncement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The replay-store Flink job: consumes {@code rf.transitions.clean}, {@code rf.priorities} and
 * (with {@code replay.priority.scoring.enabled}) {@code rf.policies}, and maintains the windowed,
 * prioritized replay dataset {@code <root>/replay/<name>/} (see {@link ReplayStorePipeline} for the
 * dataflow, {@link ReplayStoreOptions} for the settings).
 *
 * <pre>{@code
 * // embedded (./replayflow stack), next to ingest:
 * ReplayStoreConfig config = ReplayStoreConfig.builder()
 *         .bootstrapServers(stack.bootstrapServers())
 *         .dataRoot(stack.dataDir().toUri())
 *         .build();
 * JobClient job = ReplayStoreJob.start(stack.executionEnvironment(), config);
 *
 * // a real cluster (shaded jar, classifier "job"):
 * //   flink run -c io.replayflow.replay.job.ReplayStoreJob replayflow-replay-store-…-job.jar \
 * //       --replay.kafka.bootstrap-servers kafka:9092 --replay.data-root s3://bucket/rf \
 * //       --replay.priority.scoring.policy-root /mnt/rf/policies   (or ...scoring.enabled false)
 * }</pre>
 *
 * Kafka offsets start from the consumer group's committed offsets, else the earliest; on a restore
 * from a checkpoint or savepoint, from the offsets in it.
 */
public final class ReplayStoreJob {

    private ReplayStoreJob() {}

    /**
     * Builds the job on {@code env} and submits it without waiting. When {@code env} has no
     * checkpointing configured, enables exactly-once checkpoints every {@code
     * replay.checkpoint.interval}, retained on cancellation (dataset files commit on checkpoints,
     * so a job without them would never publish a row).
     */
    public static JobClient start(StreamExecutionEnvironment env, ReplayStoreConfig config)
            throws Exception {
        build(env, config);
        return env.executeAsync(jobName(config));
    }

    /** Adds the sources and the dataflow to {@code env} without running them. */
    public static void build(StreamExecutionEnvironment env, ReplayStoreConfig config) {
        if (env.getCheckpointConfig().getCheckpointInterval() <= 0) {
            env.enableCheckpointing(
                    config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
            env.getCheckpointConfig()
                    .setExternalizedCheckpointRetention(
                            ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        KafkaSource<ReplayRow> transitionSource =
                KafkaSource.<ReplayRow>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setProperties(config.kafkaClientProperties())
                        .setTopics(config.topics().cleanTransitions())
                        .setGroupId(config.groupId())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new TransitionDeserializer())
                        .build();
        KafkaSource<PriorityEntry> prioritySource =
                KafkaSource.<PriorityEntry>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setProperties(config.kafkaClientProperties())
                        .setTopics(config.topics().priorities())
                        .setGroupId(config.groupId())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new PriorityUpdateDeserializer())
                        .build();
        WatermarkStrategy<ReplayRow> eventTime =
                WatermarkStrategy.<ReplayRow>forBoundedOutOfOrderness(config.outOfOrderness())
                        .withTimestampAssigner((row, previous) -> row.eventTimeMs)
                        .withIdleness(config.sourceIdleness());
        DataStream<ReplayRow> transitions =
                env.fromSource(transitionSource, eventTime, config.topics().cleanTransitions())
                        .uid("source-clean-transitions");
        DataStream<PriorityEntry> updates =
                env.fromSource(
                                prioritySource,
                                WatermarkStrategy.noWatermarks(),
                                config.topics().priorities())
                        .uid("source-priorities");
        ReplayStorePipeline.build(transitions, updates, policies(env, config), config);
    }

    /**
     * The {@code rf.policies} stream, read from the beginning of the compacted topic on a fresh
     * start (so the current version is found) and from the checkpointed offsets on a restore; null
     * when scoring is disabled.
     */
    private static DataStream<PolicyAnnouncement> policies(
            StreamExecutionEnvironment env, ReplayStoreConfig config) {
        if (!config.scoring().enabled()) {
            return null;
        }
        KafkaSource<PolicyAnnouncement> source =
                KafkaSource.<PolicyAnnouncement>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setProperties(config.kafkaClientProperties())
                        .setTopics(config.topics().policies())
                        .setGroupId(config.groupId())
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new PolicyVersionDeserializer())
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), config.topics().policies())
                .uid("source-policies");
    }

    /** {@code replayflow-replay-store-<dataset>}. */
    public static String jobName(ReplayStoreConfig config) {
        return "replayflow-replay-store-" + config.datasetName();
    }

    /**
     * Runs the job on the cluster the Flink client points at. Arguments are option keys and values,
     * {@code --replay.data-root s3://bucket/rf} or {@code --replay.n-step=5}; see {@link
     * ReplayStoreOptions}. A bad argument prints one line naming it and exits with status 2.
     */
    public static void main(String[] args) throws Exception {
        ReplayStoreConfig config;
        try {
            config = ReplayStoreConfig.fromConfiguration(parseArgs(args));
        } catch (IllegalArgumentException e) {
            System.err.println("replay-store: " + e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute(jobName(config));
    }

    /**
     * Parses {@code --key value} and {@code --key=value} pairs into a configuration.
     *
     * @throws IllegalArgumentException for an unknown key or a key without a value
     */
    static Configuration parseArgs(String[] args) {
        Set<String> known =
                ReplayStoreOptions.all().stream()
                        .map(o -> o.key())
                        .collect(Collectors.toCollection(java.util.TreeSet::new));
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException(
                        "unexpected argument '" + arg + "': options look like --replay.n-step 3");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value");
            }
            if (!known.contains(key) && !ReplayStoreOptions.table().accepts(key)) {
                throw new IllegalArgumentException(
                        "unknown option --"
                                + key
                                + "; known options: "
                                + String.join(", ", known)
                                + " and "
                                + ReplayStoreOptions.KAFKA_PROPERTIES_PREFIX
                                + "*");
            }
            values.put(key, value);
        }
        return Configuration.fromMap(values);
    }
}
