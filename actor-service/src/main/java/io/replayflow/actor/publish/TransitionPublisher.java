package io.replayflow.actor.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Sends encoded transitions to the transitions topic, keyed by episode id so that an episode stays
 * in one partition (and in order within it).
 *
 * <p>Never drops silently. {@link #send} blocks while the producer's bounded buffer is full
 * (back-pressure: the actor slows to what the brokers take) and counts every send that waited
 * longer than {@link #BLOCKED_THRESHOLD_NANOS} in {@link #blockedSends()}. A record the producer
 * finally fails to deliver, or a send that stays blocked past {@code max.block.ms}, makes the next
 * {@link #send} or {@link #checkHealthy()} throw {@link PublishFailedException}, which stops the
 * actor with the cause.
 *
 * <p>Thread-safe (the Kafka producer is); one publisher per process, shared by its actors.
 */
public final class TransitionPublisher implements AutoCloseable {

    /** A send that takes longer than this (1 ms) waited for buffer space or metadata. */
    public static final long BLOCKED_THRESHOLD_NANOS = 1_000_000L;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder blockedSends = new LongAdder();
    private final LongAdder blockedNanos = new LongAdder();
    private final AtomicReference<PublishFailedException> failure = new AtomicReference<>();
    private final Callback callback = this::onCompletion;

    /**
     * @param producer the producer this publisher owns and closes; configure it with {@link
     *     PublisherSettings#producerProperties()}
     */
    public TransitionPublisher(Producer<byte[], byte[]> producer, String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /** A publisher with its own {@link KafkaProducer}. */
    public static TransitionPublisher create(PublisherSettings settings, String topic) {
        return new TransitionPublisher(new KafkaProducer<>(settings.producerProperties()), topic);
    }

    public String topic() {
        return topic;
    }

    /**
     * Hands one record to the producer; blocks while its buffer is full.
     *
     * @param key the episode id's bytes (partitioning key)
     * @param value the single-object encoded transition
     * @throws PublishFailedException if an earlier record failed or this one cannot be accepted
     */
    public void send(byte[] key, byte[] value) {
        checkHealthy();
        long started = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), callback);
        } catch (KafkaException e) {
            fail(
                    "the producer did not accept a transition for "
                            + topic
                            + " ("
                            + e.getMessage()
                            + "): the brokers have not taken records for max.block.ms, or the"
                            + " producer failed",
                    e);
            checkHealthy();
        }
        long waited = System.nanoTime() - started;
        if (waited > BLOCKED_THRESHOLD_NANOS) {
            blockedSends.increment();
            blockedNanos.add(waited);
        }
        sent.increment();
    }

    private void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            acked.increment();
        } else {
            fail(
                    "a transition could not be delivered to "
                            + topic
                            + " after the producer's retries ("
                            + exception
                            + "); stopping rather than dropping records",
                    exception);
        }
    }

    private void fail(String message, Throwable cause) {
        failure.compareAndSet(null, new PublishFailedException(message, cause));
    }

    /** Throws the first delivery failure, if any. */
    public void checkHealthy() {
        PublishFailedException e = failure.get();
        if (e != null) {
            throw new PublishFailedException(e.getMessage(), e.getCause());
        }
    }

    /** Waits until every record sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    /** Records handed to the producer. */
    public long sent() {
        return sent.sum();
    }

    /** Records the brokers acknowledged. */
    public long acked() {
        return acked.sum();
    }

    /** Sends that blocked longer than 1 ms (back-pressure). */
    public long blockedSends() {
        return blockedSends.sum();
    }

    /** Total time sends spent blocked longer than 1 ms, in nanoseconds. */
    public long blockedNanos() {
        return blockedNanos.sum();
    }

    /** Flushes and closes the producer, waiting up to {@code timeout}. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
