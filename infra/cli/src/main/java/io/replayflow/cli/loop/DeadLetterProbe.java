package io.replayflow.cli.loop;

import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Dead letters so far, by reason code: a consumer without a group (nothing committed) assigned to
 * every partition of the dead-letter topic from the beginning, reading committed records only,
 * polled briefly once per progress sample. The demo normally has none, so a poll costs one fetch.
 * Not thread-safe; owned by the demo's sampling loop.
 */
final class DeadLetterProbe implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(20);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final SingleObjectSerde<DeadLetter> serde =
            SingleObjectSerde.forClass(DeadLetter.class);
    private final SortedMap<String, Long> byReason = new TreeMap<>();
    private boolean assigned;

    DeadLetterProbe(String bootstrap, String topic) {
        this.topic = topic;
        this.consumer =
                new KafkaConsumer<>(
                        Map.<String, Object>of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                3000),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
    }

    /** Reads what arrived since the last call; the counts so far (unchanged if Kafka is slow). */
    SortedMap<String, Long> poll() {
        try {
            if (!assigned) {
                List<TopicPartition> partitions =
                        consumer.partitionsFor(topic, Duration.ofSeconds(3)).stream()
                                .map(p -> new TopicPartition(topic, p.partition()))
                                .toList();
                if (partitions.isEmpty()) {
                    return snapshot();
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                assigned = true;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                byReason.merge(reason(r.value()), 1L, Long::sum);
            }
        } catch (RuntimeException e) {
            // a slow or restarting broker: keep the counts so far and try again next sample
        }
        return snapshot();
    }

    private SortedMap<String, Long> snapshot() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(byReason));
    }

    private String reason(byte[] value) {
        try {
            return serde.decode(value).getReason();
        } catch (DecodeException e) {
            return "(undecodable)";
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
