package io.replayflow.actor.serve.log;

import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ServeLog} that lets the service answer as soon as the wrapped log has taken a record,
 * before Kafka acknowledges it ({@code serve.log.answer-before-ack}, off by default).
 *
 * <p>Weaker guarantee, stated in docs/SERVING.md: an answered call is <em>probably</em> logged. A
 * record the wrapped log refuses at once (a full or closed producer) is still refused to the
 * caller; one that fails afterwards (broker down past {@code delivery.timeout.ms}, the process
 * killed before the producer flushed) was answered and is not in the log, and each such failure is
 * counted by {@code lostAfterAnswer}. What it buys is the broker round trip and the producer's
 * linger taken out of every answer's latency (issue 19).
 *
 * <p>Thread-safe if the wrapped log is.
 */
public final class AnswerOnSendLog implements ServeLog {
    private static final CompletableFuture<Void> TAKEN = CompletableFuture.completedFuture(null);

    private final ServeLog log;
    private final Runnable lostAfterAnswer;

    /**
     * @param lostAfterAnswer told once for every record that failed after its call was answered
     */
    public AnswerOnSendLog(ServeLog log, Runnable lostAfterAnswer) {
        this.log = Objects.requireNonNull(log, "log");
        this.lostAfterAnswer = Objects.requireNonNull(lostAfterAnswer, "lostAfterAnswer");
    }

    @Override
    public CompletableFuture<Void> append(Decision decision) {
        return taken(log.append(decision));
    }

    @Override
    public CompletableFuture<Void> append(Outcome outcome) {
        return taken(log.append(outcome));
    }

    private CompletableFuture<Void> taken(CompletableFuture<Void> acknowledged) {
        if (acknowledged.isCompletedExceptionally()) {
            return acknowledged; // refused before it was taken: the caller may retry
        }
        acknowledged.whenComplete(
                (ok, error) -> {
                    if (error != null) {
                        lostAfterAnswer.run();
                    }
                });
        return TAKEN;
    }

    @Override
    public void close() {
        log.close();
    }
}
