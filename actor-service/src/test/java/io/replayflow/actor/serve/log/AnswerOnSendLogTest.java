package io.replayflow.actor.serve.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Answering before the acknowledgement: when the caller hears, and what is counted as lost. */
@Timeout(30)
class AnswerOnSendLogTest {

    /** Hands out futures the test completes. */
    private static final class PendingLog implements ServeLog {
        final List<CompletableFuture<Void>> acks = new ArrayList<>();
        RuntimeException refuseAtOnce;
        boolean closed;

        private CompletableFuture<Void> next() {
            if (refuseAtOnce != null) {
                return CompletableFuture.failedFuture(refuseAtOnce);
            }
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            return ack;
        }

        @Override
        public CompletableFuture<Void> append(Decision decision) {
            return next();
        }

        @Override
        public CompletableFuture<Void> append(Outcome outcome) {
            return next();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final PendingLog kafka = new PendingLog();
    private final AtomicInteger lost = new AtomicInteger();
    private final AnswerOnSendLog log = new AnswerOnSendLog(kafka, lost::incrementAndGet);

    @Test
    void answersBeforeTheAcknowledgement() {
        CompletableFuture<Void> answer = log.append(new Decision());

        assertThat(kafka.acks).hasSize(1);
        assertThat(kafka.acks.get(0)).isNotDone();
        assertThat(answer).isCompleted();
        kafka.acks.get(0).complete(null);
        assertThat(lost).hasValue(0);
    }

    @Test
    void aRecordThatFailsAfterItsAnswerIsCountedAsLost() {
        CompletableFuture<Void> first = log.append(new Decision());
        CompletableFuture<Void> second = log.append(new Outcome());

        kafka.acks.get(0).completeExceptionally(new TimeoutException("delivery timed out"));
        kafka.acks.get(1).complete(null);

        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        assertThat(lost).hasValue(1);
    }

    @Test
    void aRecordRefusedAtOnceIsStillRefusedToTheCaller() {
        kafka.refuseAtOnce = new IllegalStateException("producer closed");

        CompletableFuture<Void> answer = log.append(new Decision());

        assertThat(answer).isCompletedExceptionally();
        assertThat(lost).hasValue(0);
    }

    @Test
    void closesTheWrappedLog() {
        log.close();

        assertThat(kafka.closed).isTrue();
    }
}
