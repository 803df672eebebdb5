package io.replayflow.ingest.join;

import io.replayflow.ingest.IngestJob;
import io.replayflow.ingest.kafka.AvroRecordSerializer;
import io.replayflow.ingest.kafka.IngestKafka;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.AvroTrust;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join job: {@code rf.decisions} and {@code rf.outcomes} through {@link JoinPipeline} to {@code
 * rf.transitions} and {@code rf.transitions.dlq}, exactly once, so ingest, the replay store and the
 * trainer take the joined transitions as they take an actor's.
 *
 * <p>Embedded ({@code ./replayflow stack}, tests), beside the ingest job on the same MiniCluster:
 *
 * <pre>{@code
 * JoinConfig config = JoinConfig.builder()
 *         .bootstrapServers(stack.bootstrapServers())
 *         .set(JoinOptions.REWARD_HORIZON, Duration.ofSeconds(5))
 *         .build();
 * JobClient join = JoinJob.start(stack.executionEnvironment(), config);
 * }</pre>
 *
 * <p>On a cluster: {@code flink run -c io.replayflow.ingest.join.JoinJob
 * replayflow-ingest-<version>-job.jar --kafka.bootstrap.servers broker:9092 --join.reward-horizon
 * '1 min'}; the keys are those of {@link JoinOptions} ({@code infra/deploy/flink/join.yaml}).
 */
public final class JoinJob {

    private static final Logger LOG = LoggerFactory.getLogger(JoinJob.class);

    static {
        AvroTrust.ensureTrusted();
    }

    private JoinJob() {}

    /** Builds the job on {@code env} and submits it without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, JoinConfig config)
            throws Exception {
        build(env, config);
        JobClient client = env.executeAsync(jobName(config));
        LOG.info(
                "Started {} as job {}: {}",
                jobName(config),
                client.getJobID(),
                Secrets.redacted(config.toMap()));
        return client;
    }

    /** Configures {@code env} and adds the whole job (source, pipeline, sinks) to it. */
    public static void build(StreamExecutionEnvironment env, JoinConfig config) {
        configure(env, config);
        attachSinks(JoinPipeline.build(readSessions(env, config), config), config);
    }

    /** Exactly-once checkpoints, retained on cancellation; no Kryo fallback. */
    public static void configure(StreamExecutionEnvironment env, JoinConfig config) {
        Configuration settings = new Configuration();
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        settings.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.configure(settings);
        env.enableCheckpointing(
                config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        config.parallelism().ifPresent(env::setParallelism);
    }

    /**
     * The decisions and outcomes topics, committed data only, decoded in the source with a
     * watermark per partition.
     */
    public static DataStream<SessionEvent> readSessions(
            StreamExecutionEnvironment env, JoinConfig config) {
        return env.fromSource(
                        source(config),
                        JoinPipeline.eventTime(config),
                        "kafka: " + String.join(", ", inputTopics(config.topics())))
                .uid("join-kafka-source");
    }

    /** Writes the transitions and dead letters, each through its own exactly-once Kafka sink. */
    public static void attachSinks(JoinStreams streams, JoinConfig config) {
        Topics topics = config.topics();
        streams.transitions()
                .sinkTo(
                        sink(
                                config,
                                "transitions",
                                AvroRecordSerializer.keyedBy(
                                        Transition.class,
                                        topics.transitions(),
                                        t -> t.getEpisodeId().toString())))
                .name("kafka: " + topics.transitions())
                .uid("join-transitions-topic");
        streams.deadLetters()
                .sinkTo(
                        sink(
                                config,
                                "dlq",
                                AvroRecordSerializer.keyedByBytes(
                                        DeadLetter.class,
                                        topics.deadLetters(),
                                        JoinJob::originalKey)))
                .name("kafka: " + topics.deadLetters())
                .uid("join-dead-letter-topic");
    }

    public static String jobName(JoinConfig config) {
        return "replayflow-join: "
                + String.join(" + ", inputTopics(config.topics()))
                + " -> "
                + config.topics().transitions();
    }

    /** {@code <prefix>decisions} and {@code <prefix>outcomes}. */
    public static List<String> inputTopics(Topics topics) {
        return List.of(topics.decisions(), topics.outcomes());
    }

    /**
     * Entry point for {@code flink run}: settings come from the cluster configuration (including
     * {@code -D} dynamic properties) with {@code --key value} arguments on top.
     */
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JoinConfig config =
                JoinConfig.fromConfiguration(
                        IngestJob.settings(env.getConfiguration().toMap(), args));
        build(env, config);
        env.execute(jobName(config));
    }

    private static KafkaSource<SessionEvent> source(JoinConfig config) {
        KafkaSourceBuilder<SessionEvent> builder =
                KafkaSource.<SessionEvent>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setTopics(inputTopics(config.topics()))
                        .setGroupId(config.groupId())
                        .setClientIdPrefix(config.groupId())
                        .setStartingOffsets(IngestKafka.startingOffsets(config.startingOffsets()))
                        .setDeserializer(new SessionEventDeserializer());
        config.kafkaProperties().forEach(builder::setProperty);
        builder.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return builder.build();
    }

    private static <T> KafkaSink<T> sink(
            JoinConfig config, String name, KafkaRecordSerializationSchema<T> serializer) {
        return IngestKafka.exactlyOnceSink(
                config.bootstrapServers(),
                config.transactionalIdPrefix() + "-" + name,
                config.transactionNaming(),
                config.transactionTimeout(),
                config.kafkaProperties(),
                serializer);
    }

    private static byte[] originalKey(DeadLetter deadLetter) {
        ByteBuffer key = deadLetter.getKey();
        if (key == null) {
            return null;
        }
        byte[] bytes = new byte[key.remaining()];
        key.duplicate().get(bytes);
        return bytes;
    }
}
