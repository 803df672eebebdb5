package io.replayflow.cli.loop;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the ingest job is on the transitions topic: records produced (end offsets) and records
 * the job committed (it commits its offsets on each completed checkpoint), summed over partitions.
 */
final class LagProbe implements AutoCloseable {

    /**
     * @param produced records on the topic; -1 while unknown
     * @param committed records the ingest job committed; -1 while unknown
     */
    record Offsets(long produced, long committed) {

        static final Offsets UNKNOWN = new Offsets(-1, -1);

        /** Records not yet committed; -1 while unknown. */
        long lag() {
            return produced < 0 || committed < 0 ? -1 : produced - committed;
        }
    }

    private final Admin admin;
    private final String topic;
    private final String group;

    LagProbe(String bootstrap, String topic, String group) {
        this.admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000));
        this.topic = topic;
        this.group = group;
    }

    /** The current offsets; {@link Offsets#UNKNOWN} if the broker does not answer in time. */
    Offsets offsets() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(3, TimeUnit.SECONDS);
            var partitions =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(3, TimeUnit.SECONDS)
                            .get(topic)
                            .partitions();
            Map<TopicPartition, OffsetSpec> latest =
                    partitions.stream()
                            .collect(
                                    Collectors.toMap(
                                            p -> new TopicPartition(topic, p.partition()),
                                            p -> OffsetSpec.latest()));
            long produced = 0;
            long done = 0;
            for (var e : admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                produced += e.getValue().offset();
                done += c == null ? 0 : c.offset();
            }
            return new Offsets(produced, done);
        } catch (Exception e) {
            return Offsets.UNKNOWN;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
