package io.replayflow.actor.serve.decide;

/**
 * Hears what the {@link DecisionBatcher} did and how long each {@link DecisionStage} of a decision
 * took, for metrics. Times are {@link System#nanoTime()} differences.
 *
 * <p>{@link #batch} and the {@code WAIT} and {@code ACT} stages are heard on the batching thread;
 * {@code LOG} and {@code ANSWER} on whichever thread completes the log's future (Kafka's I/O thread
 * on the durable path). Implementations must be thread-safe and must not block.
 */
public interface BatcherListener {

    /** Hears nothing. */
    BatcherListener NONE = new BatcherListener() {};

    /** A batch of {@code size} decisions was taken from the queue. */
    default void batch(int size) {}

    /** One observation of {@code stage}. */
    default void took(DecisionStage stage, long nanos) {}
}
