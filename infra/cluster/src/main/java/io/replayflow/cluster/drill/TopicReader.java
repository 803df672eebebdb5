package io.replayflow.cluster.drill;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic once with {@code isolation.level=read_committed} (what a downstream consumer
 * of an exactly-once sink sees), from the beginning to the end offsets of the moment it starts.
 */
final class TopicReader {

    private static final SingleObjectSerde<Transition> SERDE =
            SingleObjectSerde.forClass(Transition.class);

    private TopicReader() {}

    /** Occurrences of each transition identity in {@code topic}. */
    static Map<String, Integer> transitionCounts(String bootstrap, String topic, Duration timeout)
            throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (byte[] value : readAll(bootstrap, topic, timeout)) {
            Transition t = SERDE.decode(value);
            counts.merge(
                    DrillTransitions.identity(t.getActorId(), t.getEpisodeId(), t.getStep()),
                    1,
                    Integer::sum);
        }
        return counts;
    }

    /** Every committed record of {@code topic}, decoded as {@code type}, in partition order. */
    static <T extends org.apache.avro.specific.SpecificRecord> List<T> records(
            String bootstrap, String topic, Class<T> type, Duration timeout) throws Exception {
        SingleObjectSerde<T> serde = SingleObjectSerde.forClass(type);
        List<T> records = new java.util.ArrayList<>();
        for (byte[] value : readAll(bootstrap, topic, timeout)) {
            records.add(serde.decode(value));
        }
        return records;
    }

    /** The number of committed records in {@code topic}. */
    static long count(String bootstrap, String topic, Duration timeout) {
        return readAll(bootstrap, topic, timeout).size();
    }

    private static List<byte[]> readAll(String bootstrap, String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<byte[]> values = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
