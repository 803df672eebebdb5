package io.replayflow.cli.lifecycle;

import io.replayflow.actor.follow.TopicTail;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * The decoded values a topic holds, followed with one consumer kept for this object's life (a
 * {@link TopicTail}): each {@link #values()} reads only what was appended since the last call, and
 * forgets what retention removed from the topic meanwhile, so it answers what a read of the whole
 * topic would, without reading it again. The controller's way of following {@code
 * rf.episodes.stats} and {@code rf.policy.failures} pass by pass; {@link #read} is a one-time read.
 * Not thread-safe: one caller thread.
 *
 * @param <T> what a value decodes to
 */
final class FollowedTopic<T> implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private record Kept<T>(long offset, T value) {}

    private final TopicTail tail;
    private final Function<byte[], T> decode;
    private final Map<Integer, ArrayDeque<Kept<T>>> byPartition = new TreeMap<>();

    /**
     * @param decode a value's decoded form, or null to skip it
     */
    private FollowedTopic(TopicTail tail, Function<byte[], T> decode) {
        this.tail = tail;
        this.decode = decode;
    }

    static <T> FollowedTopic<T> open(
            String bootstrap,
            Map<String, String> clientSettings,
            String clientId,
            String topic,
            Function<byte[], T> decode) {
        return new FollowedTopic<>(
                TopicTail.open(bootstrap, clientId, clientSettings, topic), decode);
    }

    /** Every value of {@code topic} that decodes, read once from its beginning. */
    static <T> List<T> read(
            String bootstrap,
            Map<String, String> clientSettings,
            String clientId,
            String topic,
            Function<byte[], T> decode) {
        try (FollowedTopic<T> t = open(bootstrap, clientSettings, clientId, topic, decode)) {
            return t.values();
        }
    }

    /**
     * Every decodable value the topic holds now, in offset order per partition, partition after
     * partition; empty when the topic does not exist.
     */
    List<T> values() {
        boolean exists =
                tail.readToEnd(
                        TIMEOUT,
                        r -> {
                            T v = r.value() == null ? null : decode.apply(r.value());
                            if (v != null) {
                                byPartition
                                        .computeIfAbsent(r.partition(), p -> new ArrayDeque<>())
                                        .add(new Kept<>(r.offset(), v));
                            }
                        });
        if (!exists) {
            return List.of();
        }
        if (!byPartition.isEmpty()) {
            for (Map.Entry<TopicPartition, Long> start : tail.logStartOffsets(TIMEOUT).entrySet()) {
                ArrayDeque<Kept<T>> kept = byPartition.get(start.getKey().partition());
                while (kept != null
                        && !kept.isEmpty()
                        && kept.peekFirst().offset() < start.getValue()) {
                    kept.pollFirst();
                }
            }
        }
        List<T> all = new ArrayList<>();
        byPartition.values().forEach(kept -> kept.forEach(k -> all.add(k.value())));
        return all;
    }

    /** Closes the consumer. */
    @Override
    public void close() {
        tail.close();
    }
}
