package io.replayflow.ingest.inspect;

import io.replayflow.ingest.inspect.DatasetReport.DeadLetterCounts;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the committed records of the dead-letter topic by reason, reading it from the beginning to
 * its current end without a consumer group (nothing is committed, no group appears).
 */
final class DeadLetterCounter {

    private static final Duration POLL = Duration.ofMillis(200);

    private DeadLetterCounter() {}

    static DeadLetterCounts count(
            String bootstrap, Map<String, String> kafkaProperties, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        SingleObjectSerde<DeadLetter> serde = SingleObjectSerde.forClass(DeadLetter.class);
        SortedMap<String, Long> byReason = new TreeMap<>();
        long total = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException(
                        "topic "
                                + topic
                                + " does not exist on "
                                + bootstrap
                                + ": is the prefix right?");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!end.entrySet().stream()
                    .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "timed out after "
                                    + timeout
                                    + " reading "
                                    + topic
                                    + " from "
                                    + bootstrap);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    byReason.merge(reasonOf(serde, record.value()), 1L, Long::sum);
                    total++;
                }
            }
        }
        return new DeadLetterCounts(topic, total, byReason);
    }

    private static String reasonOf(SingleObjectSerde<DeadLetter> serde, byte[] value) {
        try {
            return serde.decode(value).getReason();
        } catch (DecodeException e) {
            return "(undecodable: " + e.reason() + ")";
        }
    }
}
