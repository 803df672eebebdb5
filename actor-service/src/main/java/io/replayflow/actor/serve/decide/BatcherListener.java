package io.replayflow.actor.serve.decide;

/**
 * Hears what the {@link DecisionBatcher} did and how long each stage of a decision took, for
 * metrics. Times are {@link System#nanoTime()} differences.
 *
 * <ul>
 *   <li>{@link #waited}: one per decision, from its admission to the queue to the start of the
 *       policy call of its batch (the micro-batcher's wait for company, plus any queueing behind
 *       earlier batches);
 *   <li>{@link #acted}: one per batch, the policy calls of the whole batch;
 *   <li>{@link #logged}: one per decision, from handing it to the log to the log's confirmation
 *       (the Kafka acknowledgement on the durable path);
 *   <li>{@link #answered}: one per decision, from its admission to the completion of its future,
 *       the service's whole share of an answer except the HTTP parsing and writing.
 * </ul>
 *
 * <p>{@link #batch}, {@link #waited} and {@link #acted} are called on the batching thread; {@link
 * #logged} and {@link #answered} on whichever thread completes the log's future (Kafka's I/O thread
 * on the durable path). Implementations must be thread-safe and must not block.
 */
public interface BatcherListener {

    /** Hears nothing. */
    BatcherListener NONE = new BatcherListener() {};

    /** A batch of {@code size} decisions was taken from the queue. */
    default void batch(int size) {}

    default void waited(long nanos) {}

    default void acted(long nanos) {}

    default void logged(long nanos) {}

    default void answered(long nanos) {}
}
