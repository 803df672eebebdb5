package io.replayflow.actor.assign;

import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyFailureKind;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link PolicyFailure} to {@code rf.policy.failures} (keyed by policy name) when this
 * process cannot load or verify a version ({@link PolicyFailureKind#SWAP}) or inference with it
 * throws ({@link PolicyFailureKind#ACT}); the lifecycle controller rolls back a canary with such
 * reports. Sends are asynchronous: an actor never waits for a report, and a report that cannot be
 * delivered is logged, not retried beyond the producer's own retries.
 *
 * <p>Thread-safe (the Kafka producer is).
 */
public final class FailureReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailureReporter.class);

    /** One per thread: a serde reuses its buffers (the follower, actors and callers share this). */
    private static final ThreadLocal<SingleObjectSerde<PolicyFailure>> SERDE =
            ThreadLocal.withInitial(() -> SingleObjectSerde.forClass(PolicyFailure.class));

    /** Reports nothing: for processes without a failure topic (tests, benchmarks). */
    public static final FailureReporter NONE = new FailureReporter(null, "", "", "", null);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String policyName;
    private final String reporter;
    private final InstantSource clock;

    /**
     * @param producer owned and closed by this reporter
     * @param reporter who reports: the actor name or the decision service's id
     */
    public FailureReporter(
            Producer<byte[], byte[]> producer,
            String topic,
            String policyName,
            String reporter,
            InstantSource clock) {
        this.producer = producer;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.policyName = Objects.requireNonNull(policyName, "policyName");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.clock = clock;
    }

    /** A reporter with its own idempotent producer (acks=all). */
    public static FailureReporter create(
            String bootstrapServers,
            Map<String, String> clientSettings,
            String topic,
            String policyName,
            String reporter) {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "replayflow-failures-" + reporter);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return new FailureReporter(
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()),
                topic,
                policyName,
                reporter,
                InstantSource.system());
    }

    /**
     * Reports that {@code version} failed.
     *
     * @param reason a code: the runtime's refusal reason, or the exception class for an act failure
     * @param assignmentSequence the assignment that named the version; 0 for a hot-swap
     */
    public void report(
            long version,
            PolicyFailureKind kind,
            String reason,
            String message,
            long assignmentSequence) {
        if (producer == null) {
            return;
        }
        PolicyFailure failure =
                PolicyFailure.newBuilder()
                        .setPolicyName(policyName)
                        .setVersion(version)
                        .setKind(kind)
                        .setReason(reason)
                        .setMessage(message == null ? "" : message)
                        .setReporter(reporter)
                        .setAssignmentSequence(assignmentSequence)
                        .setReportedAtMs(clock.millis())
                        .build();
        try {
            producer.send(
                    new ProducerRecord<>(
                            topic,
                            policyName.getBytes(StandardCharsets.UTF_8),
                            SERDE.get().encode(failure)),
                    (metadata, e) -> {
                        if (e != null) {
                            LOG.warn(
                                    "could not report {} failure of '{}' v{} on {}: {}",
                                    kind,
                                    policyName,
                                    version,
                                    topic,
                                    e.toString());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not report {} failure of '{}' v{} on {}: {}",
                    kind,
                    policyName,
                    version,
                    topic,
                    e.toString());
        }
    }

    /** Sends what is buffered (up to 5 s) and closes the producer. */
    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
