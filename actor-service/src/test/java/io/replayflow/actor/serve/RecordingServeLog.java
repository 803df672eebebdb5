package io.replayflow.actor.serve;

import io.replayflow.actor.serve.log.ServeLog;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A log in memory for tests of the HTTP surface; can be told to fail every append. */
final class RecordingServeLog implements ServeLog {
    final List<Decision> decisions = new CopyOnWriteArrayList<>();
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;

    @Override
    public CompletableFuture<Void> append(Decision decision) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        decisions.add(decision);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> append(Outcome outcome) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        outcomes.add(outcome);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
}
