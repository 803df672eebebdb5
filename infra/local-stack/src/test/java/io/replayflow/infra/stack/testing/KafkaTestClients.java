package io.replayflow.infra.stack.testing;

import io.replayflow.infra.stack.internal.TopicInitializer;
import io.replayflow.infra.stack.internal.TopicInitializer.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for tests against a {@code LocalStack} broker: byte[] values, String keys (or
 * byte[] keys through the {@code bytes} variants). Shared by every module's ITCases through
 * local-stack's test-jar.
 *
 * <pre>{@code
 * KafkaTestClients.createTopics(stack.bootstrapServers(), List.of("t"), 2);
 * try (var producer = KafkaTestClients.producer(stack.bootstrapServers(), Map.of())) { ... }
 * var records = KafkaTestClients.readAll(stack.bootstrapServers(), "t", "read_committed");
 * }</pre>
 */
public final class KafkaTestClients {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private KafkaTestClients() {}

    /** An idempotent producer with {@code acks=all} and String keys, plus {@code extra}. */
    public static KafkaProducer<String, byte[]> producer(
            String bootstrap, Map<String, Object> extra) {
        return producer(bootstrap, StringSerializer.class, extra);
    }

    /** An idempotent producer with {@code acks=all} and byte[] keys. */
    public static KafkaProducer<byte[], byte[]> bytesProducer(String bootstrap) {
        return producer(bootstrap, ByteArraySerializer.class, Map.of());
    }

    /** Consumer settings with String keys and the given isolation level, without a group. */
    public static Map<String, Object> consumerProperties(String bootstrap, String isolation) {
        return consumerProperties(bootstrap, isolation, StringDeserializer.class);
    }

    /**
     * Creates {@code names} with {@code partitions} partitions each, replication factor 1, and
     * waits until the broker has a leader for every partition. Producing to a partition the broker
     * has not applied yet can lose records even with idempotence (KAFKA-15591: a first request
     * refused with NOT_LEADER_OR_FOLLOWER is overtaken by the next one and then spins on
     * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires), which is what the stack's own topic set-up
     * waits out as well.
     */
    public static void createTopics(String bootstrap, List<String> names, int partitions)
            throws Exception {
        TopicInitializer.ensureTopics(
                bootstrap,
                names.stream().map(n -> new TopicSpec(n, partitions, Map.of())).toList(),
                DEADLINE);
    }

    /**
     * Every record of {@code topic} from the beginning to its end offsets as they are now (the last
     * stable offsets under {@code read_committed}), without a consumer group.
     */
    public static List<ConsumerRecord<String, byte[]>> readAll(
            String bootstrap, String topic, String isolation) {
        return readAll(consumerProperties(bootstrap, isolation), topic);
    }

    /** As {@link #readAll(String, String, String)} under {@code read_committed}, byte[] keys. */
    public static List<ConsumerRecord<byte[], byte[]>> readAllBytes(
            String bootstrap, String topic) {
        return readAll(
                consumerProperties(bootstrap, "read_committed", ByteArrayDeserializer.class),
                topic);
    }

    private static <K> KafkaProducer<K, byte[]> producer(
            String bootstrap,
            Class<? extends Serializer<K>> keySerializer,
            Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, keySerializer);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    private static Map<String, Object> consumerProperties(
            String bootstrap, String isolation, Class<? extends Deserializer<?>> keyDeserializer) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, keyDeserializer);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private static <K> List<ConsumerRecord<K, byte[]>> readAll(
            Map<String, Object> props, String topic) {
        List<ConsumerRecord<K, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<K, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!end.entrySet().stream()
                    .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out reading " + topic + " up to " + end);
                }
                consumer.poll(POLL).forEach(records::add);
            }
        }
        return records;
    }
}
