package io.replayflow.replay.testing;

import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes single-object encoded records to a real broker the way ingest (clean transitions, keyed by
 * episode) and the trainer (priority updates, policy announcements) do.
 */
public final class TopicWriter implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final SingleObjectSerde<Transition> transitions =
            SingleObjectSerde.forClass(Transition.class);
    private final SingleObjectSerde<PriorityUpdate> updates =
            SingleObjectSerde.forClass(PriorityUpdate.class);

    public TopicWriter(String bootstrapServers) {
        producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.LINGER_MS_CONFIG,
                                5),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
    }

    public void transitions(String topic, List<Transition> records) {
        for (Transition t : records) {
            producer.send(
                    new ProducerRecord<>(
                            topic, key(t.getActorId(), t.getEpisodeId()), transitions.encode(t)));
        }
        producer.flush();
    }

    public void updates(String topic, List<PriorityUpdate> records) {
        for (PriorityUpdate u : records) {
            producer.send(
                    new ProducerRecord<>(
                            topic, key(u.getActorId(), u.getEpisodeId()), updates.encode(u)));
        }
        producer.flush();
    }

    /** A policy announcement, keyed by policy name as the trainer publishes it. */
    public void policy(String topic, PolicyVersion version) {
        producer.send(
                new ProducerRecord<>(
                        topic,
                        version.getPolicyName().getBytes(StandardCharsets.UTF_8),
                        SingleObjectSerde.forClass(PolicyVersion.class).encode(version)));
        producer.flush();
    }

    /** Any bytes, e.g. a record that is not single-object encoded. */
    public void raw(String topic, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
        producer.flush();
    }

    private static byte[] key(String actor, String episode) {
        return EpisodeKeys.of(actor, episode).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
