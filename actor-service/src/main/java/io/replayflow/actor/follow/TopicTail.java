package io.replayflow.actor.follow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one topic pass by pass with a consumer kept for its whole life: assigned every partition
 * (no group, nothing committed, read-committed), each {@link #readToEnd} goes on from where the
 * last one stopped to the end the topic has when it is called. A caller that decides on a topic's
 * state every second (the lifecycle controller) pays one offsets request and the fetches of what is
 * new, not a new connection and a read from the beginning; opened and closed at once, it is a read
 * of the whole topic. Partitions added to the topic are picked up (from their beginning) on the
 * next read. After a broker restart the consumer reconnects by itself and the next read goes on
 * where it stopped. Not thread-safe: one caller thread.
 */
public final class TopicTail implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private boolean closed;

    /**
     * @param consumer a consumer this tail owns and closes
     */
    public TopicTail(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, String topic) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * A tail of {@code topic} with a consumer of its own ({@link
     * CompactedTopicFollower#consumerProperties}).
     */
    public static TopicTail open(
            String bootstrapServers,
            String clientId,
            Map<String, String> clientSettings,
            String topic) {
        return new TopicTail(
                new KafkaConsumer<>(
                        CompactedTopicFollower.consumerProperties(
                                bootstrapServers, clientId, clientSettings)),
                topic);
    }

    /** The topic this tail reads. */
    public String topic() {
        return topic;
    }

    /**
     * Hands every record after the last one read, up to the end the topic has now, to {@code
     * records}, in offset order per partition.
     *
     * @return false, having read nothing, when the topic does not exist
     * @throws IllegalStateException when the end was not reached within {@code timeout} (what was
     *     handed over stays read; the next call goes on from there)
     */
    public boolean readToEnd(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> records) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!assignPartitions(timeout)) {
            return false;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, left(deadline));
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "could not read " + topic + " to its end within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                records.accept(r);
            }
        }
        return true;
    }

    /**
     * The first offset each partition still holds (records before it were removed by retention):
     * for a caller that keeps what it read and forgets what the topic forgot.
     */
    public Map<TopicPartition, Long> logStartOffsets(Duration timeout) {
        return consumer.beginningOffsets(assigned, timeout);
    }

    private boolean assignPartitions(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        List<TopicPartition> added = new ArrayList<>();
        for (PartitionInfo i : infos) {
            TopicPartition p = new TopicPartition(i.topic(), i.partition());
            if (!assigned.contains(p)) {
                added.add(p);
            }
        }
        if (!added.isEmpty()) {
            assigned.addAll(added);
            // Reassigning keeps the positions of partitions still assigned.
            consumer.assign(List.copyOf(assigned));
            consumer.seekToBeginning(added);
        }
        return true;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** Closes the consumer (waiting at most five seconds for it); again: nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }
}
