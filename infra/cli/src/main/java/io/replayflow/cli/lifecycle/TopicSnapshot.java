package io.replayflow.cli.lifecycle;

import io.replayflow.actor.follow.CompactedTopicFollower;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of a topic from its beginning to the end it had when the read started, with
 * a consumer of its own (assigned, no group, no commits): the controller's way of reading the state
 * a topic holds on each pass.
 */
final class TopicSnapshot {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicSnapshot() {}

    /**
     * Hands every non-null value of {@code topic} to {@code values}, in offset order per partition;
     * reads nothing when the topic does not exist.
     */
    static void read(
            String bootstrap,
            Map<String, String> clientSettings,
            String clientId,
            String topic,
            Consumer<byte[]> values) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        CompactedTopicFollower.consumerProperties(
                                bootstrap, clientId, clientSettings))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        values.accept(r.value());
                    }
                }
            }
        }
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
