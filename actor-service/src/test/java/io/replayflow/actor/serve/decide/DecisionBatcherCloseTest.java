package io.replayflow.actor.serve.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.policy.RandomPolicy;
import io.replayflow.actor.serve.SessionTable;
import io.replayflow.actor.serve.log.ServeLog;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the batcher while HTTP threads still submit: every call must be answered (a decision or a
 * refusal), none may wait for ever. A call admitted just as the batching thread drained its queue
 * for the last time used to stay queued with no thread left to answer it.
 */
@Timeout(120)
class DecisionBatcherCloseTest {

    /** A log that is durable at once (this test is about admission, not logging). */
    private static final class InstantLog implements ServeLog {
        @Override
        public CompletableFuture<Void> append(Decision decision) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> append(Outcome outcome) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    }

    @Test
    void everyCallSubmittedAroundCloseIsAnswered() throws Exception {
        SessionTable sessions = new SessionTable(Clock.systemUTC(), Duration.ofMinutes(5));
        for (int round = 0; round < 100; round++) {
            PolicyHolder holder =
                    new PolicyHolder(PolicyRef.of(new RandomPolicy(2, 4, new SplittableRandom(1))));
            DecisionBatcher batcher =
                    new DecisionBatcher(
                            holder,
                            new PolicyRouter(),
                            new DecisionChooser(0.0, new SplittableRandom(2)),
                            new InstantLog(),
                            new DecisionBatcher.Identity("p", "CartPole-v1", "s", "t-"),
                            Clock.systemUTC(),
                            8,
                            Duration.ofNanos(1),
                            64,
                            BatcherListener.NONE);
            ConcurrentLinkedQueue<CompletableFuture<?>> calls = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(3);
            Thread[] submitters = new Thread[3];
            for (int t = 0; t < submitters.length; t++) {
                int id = t;
                submitters[t] =
                        new Thread(
                                () -> {
                                    started.countDown();
                                    for (int i = 0; !stop.get(); i++) {
                                        String session = "s" + id + "-" + (i % 16);
                                        DecisionRequest request =
                                                new DecisionRequest(session, new float[4], null);
                                        if (i % 2 == 0) {
                                            calls.add(
                                                    batcher.submit(
                                                            request, sessions.touch(session)));
                                        } else {
                                            calls.addAll(
                                                    batcher.submitAll(
                                                            List.of(request),
                                                            List.of(sessions.touch(session))));
                                        }
                                    }
                                });
                submitters[t].start();
            }
            started.await();
            Thread.sleep(round % 5);
            batcher.close();
            Thread.sleep(1);
            stop.set(true);
            for (Thread t : submitters) {
                t.join();
            }
            for (CompletableFuture<?> call : calls) {
                if (call.isDone()) {
                    continue;
                }
                // A refusal (OverloadedException) is an answer too; only silence fails.
                boolean answered =
                        call.handle((decision, refused) -> true)
                                .completeOnTimeout(false, 5, TimeUnit.SECONDS)
                                .get();
                assertThat(answered)
                        .as("round %d: a call submitted around close() is answered", round)
                        .isTrue();
            }
            holder.close();
        }
    }
}
