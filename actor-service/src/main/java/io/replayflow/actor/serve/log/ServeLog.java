package io.replayflow.actor.serve.log;

import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import java.util.concurrent.CompletableFuture;

/**
 * The durable record of what the decision service did. The service answers a call only after the
 * future of its record completed, so an answered decision is a logged decision.
 *
 * <p>Thread-safe: called from the batching thread and the HTTP threads.
 */
public interface ServeLog extends AutoCloseable {

    /** Appends a decision; completes when it is durable, exceptionally when it cannot be. */
    CompletableFuture<Void> append(Decision decision);

    /** Appends a reward or session end; completes when it is durable. */
    CompletableFuture<Void> append(Outcome outcome);

    /** Flushes what was appended and releases the connection. */
    @Override
    void close();
}
