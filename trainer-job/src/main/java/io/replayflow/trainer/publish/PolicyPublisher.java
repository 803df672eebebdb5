package io.replayflow.trainer.publish;

import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Announces policy versions on {@code rf.policies}: keyed by policy name (the topic is compacted,
 * so the latest version per name survives), Avro single-object encoded, sent by an idempotent
 * producer with {@code acks=all}, and waited for, so a returned publish is durable.
 *
 * <pre>{@code
 * try (PolicyPublisher publisher = PolicyPublisher.create("localhost:9092", Topics.defaults())) {
 *     publisher.publish(artifact.toPolicyVersion(Map.of("eval_mean_return", 487.0)));
 * }
 * }</pre>
 *
 * <p>Kafka client settings (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*})
 * come in as a map, e.g. from the CLI's {@code --kafka-config FILE}; the publisher's own settings
 * (idempotence, acks, serializers) win over them, and error messages never show a secret value.
 *
 * <p>Not thread-safe (the serde is reused); one per publishing thread.
 */
public final class PolicyPublisher implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Map<String, String> clientSettings;
    private final SingleObjectSerde<PolicyVersion> serde =
            SingleObjectSerde.forClass(PolicyVersion.class);

    public PolicyPublisher(Producer<String, byte[]> producer, Topics topics) {
        this(producer, topics, Map.of());
    }

    private PolicyPublisher(
            Producer<String, byte[]> producer, Topics topics, Map<String, String> clientSettings) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = topics.policies();
        this.clientSettings = Map.copyOf(clientSettings);
    }

    /** A publisher with its own idempotent producer, with no client settings beyond defaults. */
    public static PolicyPublisher create(String bootstrapServers, Topics topics) {
        return create(bootstrapServers, Map.of(), topics);
    }

    /**
     * A publisher with its own idempotent producer.
     *
     * @param clientSettings Kafka client settings (security...), see {@link #producerConfig(String,
     *     Map)}
     */
    public static PolicyPublisher create(
            String bootstrapServers, Map<String, String> clientSettings, Topics topics) {
        return new PolicyPublisher(
                new KafkaProducer<>(producerConfig(bootstrapServers, clientSettings)),
                topics,
                clientSettings);
    }

    /** Producer settings for trainer output: idempotent, acks=all, small batches. */
    public static Properties producerConfig(String bootstrapServers) {
        return producerConfig(bootstrapServers, Map.of());
    }

    /**
     * As {@link #producerConfig(String)}, over {@code clientSettings} (security and other client
     * settings); the trainer's own settings win.
     */
    public static Properties producerConfig(
            String bootstrapServers, Map<String, String> clientSettings) {
        Properties p = new Properties();
        p.putAll(clientSettings);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "replayflow-trainer");
        return p;
    }

    /**
     * Sends and waits for the broker's acknowledgement.
     *
     * @throws PublishException naming the policy, version and topic when the send fails or times
     *     out
     */
    public RecordMetadata publish(PolicyVersion version, Duration timeout) {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, version.getPolicyName(), serde.encode(version));
        try {
            return producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException(describe(version) + ": interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PublishException(
                    describe(version)
                            + " failed: "
                            + Secrets.scrub(
                                    String.valueOf(e.getCause() != null ? e.getCause() : e),
                                    clientSettings)
                            + "; the artifact stays on disk and can be published again",
                    e);
        }
    }

    public RecordMetadata publish(PolicyVersion version) {
        return publish(version, Duration.ofSeconds(30));
    }

    private String describe(PolicyVersion v) {
        return "publishing policy "
                + v.getPolicyName()
                + " version "
                + v.getVersion()
                + " to "
                + topic;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
