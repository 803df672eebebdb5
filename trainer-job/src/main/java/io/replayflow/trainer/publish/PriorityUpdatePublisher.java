package io.replayflow.trainer.publish;

import io.replayflow.replay.priority.Priorities;
import io.replayflow.replay.priority.PriorityOptions;
import io.replayflow.schemas.Secrets;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.trainer.data.TransitionKey;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends new priorities to {@code rf.priorities}: one {@link PriorityUpdate} per transition, keyed
 * by episode id so that one episode's updates stay in one partition, sent asynchronously (the
 * producer batches them; {@link #flush()} waits). A failed send is remembered and thrown from the
 * next call, so errors are not lost.
 *
 * <p>Priority is {@code |td_error| + epsilon} ({@link Priorities#fromTdError(double, double)},
 * whose Javadoc walks the whole path from here to the samplers). Not thread-safe; owned by the
 * training thread.
 */
public final class PriorityUpdatePublisher implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final double epsilon;
    private final SingleObjectSerde<PriorityUpdate> serde =
            SingleObjectSerde.forClass(PriorityUpdate.class);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Callback onSent =
            (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            };
    private long sent;
    private Map<String, String> clientSettings = Map.of(); // only to scrub error texts

    public PriorityUpdatePublisher(
            Producer<String, byte[]> producer, Topics topics, double epsilon) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = topics.priorities();
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException(
                    PriorityOptions.EPSILON_KEY + "=" + epsilon + " is invalid: must be > 0");
        }
        this.epsilon = epsilon;
    }

    public static PriorityUpdatePublisher create(
            String bootstrapServers, Topics topics, double epsilon) {
        return create(bootstrapServers, Map.of(), topics, epsilon);
    }

    /**
     * A publisher with its own producer.
     *
     * @param clientSettings Kafka client settings (security...), as for {@link
     *     PolicyPublisher#producerConfig(String, Map)}
     */
    public static PriorityUpdatePublisher create(
            String bootstrapServers,
            Map<String, String> clientSettings,
            Topics topics,
            double epsilon) {
        PriorityUpdatePublisher publisher =
                new PriorityUpdatePublisher(
                        new KafkaProducer<>(
                                PolicyPublisher.producerConfig(bootstrapServers, clientSettings)),
                        topics,
                        epsilon);
        publisher.clientSettings = Map.copyOf(clientSettings);
        return publisher;
    }

    /**
     * Sends one update per entry: {@code keys[j]} got TD error {@code tdErrors[j]} from the network
     * of {@code policyVersion} at {@code trainerStep}.
     */
    public void send(
            TransitionKey[] keys,
            float[] tdErrors,
            int count,
            long policyVersion,
            long trainerStep) {
        rethrow();
        for (int j = 0; j < count; j++) {
            TransitionKey k = keys[j];
            PriorityUpdate update =
                    PriorityUpdate.newBuilder()
                            .setEnvId(k.envId())
                            .setActorId(k.actorId())
                            .setEpisodeId(k.episodeId())
                            .setStep(k.step())
                            .setPriority(Priorities.fromTdError(tdErrors[j], epsilon))
                            .setTdError(tdErrors[j])
                            .setPolicyVersion(policyVersion)
                            .setTrainerStep(trainerStep)
                            .build();
            producer.send(new ProducerRecord<>(topic, k.episodeId(), serde.encode(update)), onSent);
            sent++;
        }
    }

    /**
     * Sends {@code updates[0..count)} as they are (e.g. built by the replay reader's {@code
     * priorityUpdate}), keyed by episode id.
     */
    public void send(PriorityUpdate[] updates, int count) {
        rethrow();
        for (int j = 0; j < count; j++) {
            PriorityUpdate update = updates[j];
            producer.send(
                    new ProducerRecord<>(topic, update.getEpisodeId(), serde.encode(update)),
                    onSent);
            sent++;
        }
    }

    /** Updates handed to the producer so far. */
    public long sent() {
        return sent;
    }

    /** Waits until every update sent so far is acknowledged. */
    public void flush() {
        producer.flush();
        rethrow();
    }

    private void rethrow() {
        Exception e = failure.get();
        if (e != null) {
            throw new PublishException(
                    "sending priority updates to "
                            + topic
                            + " failed: "
                            + Secrets.scrub(e.toString(), clientSettings),
                    e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
