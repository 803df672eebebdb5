package io.replayflow.cli.loop;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Ingest lag: records on the transitions topic past the offsets the ingest job committed (it
 * commits on each completed checkpoint). -1 while unknown.
 */
final class LagProbe implements AutoCloseable {

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

    long lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(3, TimeUnit.SECONDS);
            var partitions =
                    admin.describeTopics(java.util.List.of(topic))
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
            long lag = 0;
            for (var e : admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
