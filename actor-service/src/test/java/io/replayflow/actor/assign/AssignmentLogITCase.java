package io.replayflow.actor.assign;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers of one policy's assignments racing on a real broker ({@link AssignmentLog#update}): a
 * writer that read the state before another wrote is fenced, reads again and writes the next
 * sequence; no sequence number is ever written twice.
 */
@Timeout(180)
class AssignmentLogITCase {
    private static LocalStack stack;
    private static AssignmentLog log;

    @BeforeAll
    static void start() {
        stack = LocalStack.builder().withFlink(false).partitions(1).start();
        log =
                new AssignmentLog(
                        stack.bootstrapServers(), Map.of(), stack.topics(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aWriterThatReadBeforeAnotherWroteIsFencedAndDecidesAgainOnTheNewState() throws Exception {
        String policy = "race";
        CountDownLatch slowHasRead = new CountDownLatch(1);
        CountDownLatch fastHasWritten = new CountDownLatch(1);
        List<Long> slowSaw = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // The slow writer (a controller pass, say) reads the state, then waits while the fast
            // one ('policy rollback', say) writes, and only then returns its decision.
            Future<Optional<PolicyAssignment>> slow =
                    pool.submit(
                            () ->
                                    log.update(
                                            policy,
                                            state -> {
                                                long latest = sequence(state);
                                                slowSaw.add(latest);
                                                slowHasRead.countDown();
                                                await(fastHasWritten);
                                                return Optional.of(next(policy, latest, "slow"));
                                            }));
            assertThat(slowHasRead.await(60, TimeUnit.SECONDS)).isTrue();
            Optional<PolicyAssignment> fast =
                    log.update(policy, state -> Optional.of(next(policy, sequence(state), "fast")));
            fastHasWritten.countDown();

            assertThat(fast.orElseThrow().getSequence()).isEqualTo(1);
            assertThat(slow.get(60, TimeUnit.SECONDS).orElseThrow().getSequence())
                    .as("the slow writer wrote the sequence after the fast one's")
                    .isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(slowSaw).as("fenced once, it read the state again").containsExactly(0L, 1L);
        assertThat(log.history(policy))
                .extracting(a -> a.getSequence() + " " + a.getDecider())
                .containsExactly("1 fast", "2 slow");
        assertThat(log.current(policy).orElseThrow().getDecider()).isEqualTo("slow");
    }

    @Test
    void twoWritersEachWritingTenDecisionsWriteEverySequenceOnce() throws Exception {
        String policy = "stress";
        int each = 10;
        AtomicInteger decisions = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (String writer : List.of("a", "b")) {
                writers.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < each; i++) {
                                        log.update(
                                                policy,
                                                state -> {
                                                    decisions.incrementAndGet();
                                                    return Optional.of(
                                                            next(policy, sequence(state), writer));
                                                });
                                    }
                                    return null;
                                }));
            }
            for (Future<?> w : writers) {
                w.get(150, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<PolicyAssignment> history = log.history(policy);
        assertThat(history)
                .extracting(PolicyAssignment::getSequence)
                .as("1..20, each once")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 2L * each).boxed().toList());
        assertThat(history.stream().filter(a -> a.getDecider().equals("a"))).hasSize(each);
        assertThat(log.current(policy).orElseThrow().getSequence()).isEqualTo(2L * each);
        assertThat(decisions.get())
                .as("one decision per write, more when a writer was fenced")
                .isGreaterThanOrEqualTo(2 * each);
    }

    @Test
    void aSessionKeepingItsClientsAndAOneShotWriterRacingWriteEverySequenceOnce() throws Exception {
        // The controller keeps its producer and consumers (a session); a CLI verb opens its own
        // for each write and fences the session's producer each time: the session notices on its
        // next write, takes a new producer and decides again on what the verb wrote.
        String policy = "kept";
        int each = 10;
        AtomicInteger sessionDecisions = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (AssignmentLog.Session session = log.session()) {
            Future<?> kept =
                    pool.submit(
                            () -> {
                                for (int i = 0; i < each; i++) {
                                    session.update(
                                            policy,
                                            state -> {
                                                sessionDecisions.incrementAndGet();
                                                return Optional.of(
                                                        next(policy, sequence(state), "session"));
                                            });
                                }
                                return null;
                            });
            Future<?> oneShot =
                    pool.submit(
                            () -> {
                                for (int i = 0; i < each; i++) {
                                    log.update(
                                            policy,
                                            state ->
                                                    Optional.of(
                                                            next(policy, sequence(state), "verb")));
                                }
                                return null;
                            });
            kept.get(150, TimeUnit.SECONDS);
            oneShot.get(150, TimeUnit.SECONDS);
            // After the race, the session's state is still the topics' (read incrementally).
            assertThat(session.update(policy, state -> Optional.empty())).isEmpty();
            assertThat(
                            session.update(
                                    policy,
                                    state -> {
                                        assertThat(sequence(state)).isEqualTo(2L * each);
                                        assertThat(state.history()).hasSize(2 * each);
                                        return Optional.empty();
                                    }))
                    .isEmpty();
        } finally {
            pool.shutdownNow();
        }
        List<PolicyAssignment> history = log.history(policy);
        assertThat(history)
                .extracting(PolicyAssignment::getSequence)
                .as("1..20, each once")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 2L * each).boxed().toList());
        assertThat(history.stream().filter(a -> a.getDecider().equals("session"))).hasSize(each);
        assertThat(sessionDecisions.get()).isGreaterThanOrEqualTo(each);
    }

    @Test
    void nothingToDecideWritesNothing() {
        assertThat(log.update("quiet", state -> Optional.empty())).isEmpty();
        assertThat(log.history("quiet")).isEmpty();
    }

    private static long sequence(AssignmentLog.State state) {
        return state.latest().map(PolicyAssignment::getSequence).orElse(0L);
    }

    private static PolicyAssignment next(String policy, long latest, String decider) {
        return PolicyAssignment.newBuilder()
                .setPolicyName(policy)
                .setSequence(latest + 1)
                .setChampion(
                        AssignedVersion.newBuilder()
                                .setVersion(1)
                                .setUri("file:///data/policies/" + policy + "/1")
                                .setSha256("ab".repeat(32))
                                .build())
                .setMode(AssignmentMode.AUTOMATIC)
                .setReason("written by " + decider)
                .setDecider(decider)
                .setDecidedAtMs(System.currentTimeMillis())
                .build();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other writer did not write within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
