package io.replayflow.actor.serve;

import io.replayflow.actor.serve.log.ServeLog;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * A log in memory for tests of the HTTP surface; can be told to fail every append, or the appends
 * of the sessions it names (a log that takes part of a batch).
 */
final class RecordingServeLog implements ServeLog {
    final List<Decision> decisions = new CopyOnWriteArrayList<>();
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;
    volatile Set<String> failingSessions = Set.of();

    @Override
    public CompletableFuture<Void> append(Decision decision) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (failingSessions.contains(decision.getSessionId().toString())) {
            return CompletableFuture.failedFuture(new TimeoutException("partition leader gone"));
        }
        decisions.add(decision);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> append(Outcome outcome) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (failingSessions.contains(outcome.getSessionId().toString())) {
            return CompletableFuture.failedFuture(new TimeoutException("partition leader gone"));
        }
        outcomes.add(outcome);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
}
