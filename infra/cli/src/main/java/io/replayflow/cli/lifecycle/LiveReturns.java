package io.replayflow.cli.lifecycle;

import io.replayflow.actor.swap.PolicyFollower;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads {@code rf.episodes.stats} to its end and pools each policy version's windows of one
 * environment into a {@link LiveReturn}. The stats are keyed by env and version (not policy name):
 * two policies acting the same env with the same version numbers would share figures.
 */
public final class LiveReturns {
    private static final SingleObjectSerde<EpisodeStats> SERDE =
            SingleObjectSerde.forClass(EpisodeStats.class);

    private LiveReturns() {}

    /** Version → pooled live return, for {@code envId} (null: every environment). */
    public static Map<Long, LiveReturn> read(
            String bootstrap, Map<String, String> clientSettings, String topic, String envId) {
        Map<Long, List<EpisodeStats>> windows = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        PolicyFollower.consumerProperties(
                                bootstrap, "replayflow-live-returns", clientSettings))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return Map.of();
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reached(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        EpisodeStats s = SERDE.decode(r.value());
                        if (envId == null || envId.equals(s.getEnvId())) {
                            windows.computeIfAbsent(s.getPolicyVersion(), v -> new ArrayList<>())
                                    .add(s);
                        }
                    } catch (DecodeException e) {
                        // not an EpisodeStats: ingest never writes one; skip it
                    }
                }
            }
        }
        Map<Long, LiveReturn> pooled = new HashMap<>();
        windows.forEach(
                (v, w) -> {
                    LiveReturn r = LiveReturn.pool(w);
                    if (r != null) {
                        pooled.put(v, r);
                    }
                });
        return pooled;
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
