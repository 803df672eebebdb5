package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.cli.lifecycle.ControllerDecisions.Kind;
import io.replayflow.cli.lifecycle.ControllerDecisions.Outcome;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle controller against a real broker: it takes a policy over, gates a candidate into a
 * canary from its ope.json, is closed mid-canary, and a new controller rolls the canary back from
 * real {@code rf.episodes.stats} records of the canary's period (an older window of the champion
 * does not count); a decision left half-written (history only) by a stopped controller is completed
 * by the next, not made twice; a good canary is promoted. Every decision is in the history exactly
 * once.
 */
@Timeout(240)
class LifecycleControllerITCase {
    private static final String NAME = "cp";
    private static final String ENV = "CartPole-v1";
    private static final SingleObjectSerde<EpisodeStats> STATS =
            SingleObjectSerde.forClass(EpisodeStats.class);
    private static final SingleObjectSerde<PolicyAssignment> ASSIGNMENTS =
            SingleObjectSerde.forClass(PolicyAssignment.class);

    // Gate margin 10; 30 episodes a side to promote, 10 to roll back; 20% canaries; 200 ms passes.
    private static final ControllerConfig CONFIG =
            ControllerOptions.parse(
                    Map.of(
                            "controller.gate.margin", "10",
                            "controller.promote.min-episodes", "30",
                            "controller.rollback.min-episodes", "10",
                            "controller.canary.share", "0.2",
                            "controller.poll-interval", "200ms"));

    private static LocalStack stack;
    private static KafkaProducer<byte[], byte[]> producer;
    private static AssignmentLog log;

    @TempDir static Path data;

    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        stack = LocalStack.builder().withFlink(false).partitions(1).start();
        producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        log =
                new AssignmentLog(
                        stack.bootstrapServers(), Map.of(), stack.topics(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private LifecycleController controller() {
        LifecycleController c =
                LifecycleController.onKafka(
                        CONFIG,
                        data,
                        List.of(NAME),
                        stack.bootstrapServers(),
                        Map.of(),
                        stack.topics(),
                        ENV,
                        new ControllerMetrics(new PrometheusRegistry()),
                        outcomes::add);
        c.start();
        return c;
    }

    @Test
    void gatesRollsBackAcrossARestartCompletesAHalfWrittenDecisionAndPromotes() throws Exception {
        publish(1, 480, 470);
        try (LifecycleController first = controller()) {
            awaitSequence(1);
            assertThat(log.current(NAME).orElseThrow().getChampion().getVersion()).isEqualTo(1);

            // v2's DR lower bound 475 ≥ 480 − 10: it becomes a 20% canary.
            publish(2, 490, 475);
            awaitSequence(2);
            PolicyAssignment canary = log.current(NAME).orElseThrow();
            assertThat(canary.getCanary().getVersion()).isEqualTo(2);
            assertThat(canary.getCanaryShare()).isEqualTo(0.2);
            assertThat(canary.getDecider()).isEqualTo("controller");
            assertThat(canary.getReason())
                    .isEqualTo(
                            "v2 passed the gate as a 20% canary: v2's OPE lower bound 475.0 is no"
                                    + " worse than v1's estimate 480.0 minus margin 10.0 (dr)");
        } // closed mid-canary

        // Live statistics arrive while no controller runs: v2 is clearly worse. v1's window from
        // long before the canary (epoch 0) is not the same period: it must not count.
        stats(1, 0, 500, 200, 30);
        long now = System.currentTimeMillis();
        stats(1, now, 40, 478, 30);
        stats(2, now, 12, 9.5, 1.5);
        outcomes.clear();
        try (LifecycleController second = controller()) {
            awaitSequence(3);
            PolicyAssignment back = log.current(NAME).orElseThrow();
            assertThat(back.getChampion().getVersion()).isEqualTo(1);
            assertThat(back.getCanary()).isNull();
            assertThat(back.getReason())
                    .startsWith(
                            "canary v2 rolled back, champion v1 acts alone, worse with confidence:"
                                + " canary v2 9.5 over 12 episodes vs champion v1 478.0 over 40");
            Thread.sleep(2_000); // ten more passes: nothing more to decide
        }
        assertThat(outcomes).extracting(Outcome::kind).containsExactly(Kind.ROLLED_BACK);

        // v3 passes the gate, but its controller stops between the two writes: the decision is in
        // the history only.
        publish(3, 500, 490);
        PolicyAssignment halfWritten =
                PolicyAssignment.newBuilder(log.current(NAME).orElseThrow())
                        .setSequence(4)
                        .setCanary(PolicyVersions.read(data, NAME).verified(3).assigned())
                        .setCanaryShare(0.2)
                        .setReason("v3 passed the gate (written to the history only)")
                        .setDecider("controller")
                        .build();
        producer.send(
                        new ProducerRecord<>(
                                stack.topics().assignmentHistory(),
                                NAME.getBytes(StandardCharsets.UTF_8),
                                ASSIGNMENTS.encode(halfWritten)))
                .get();
        outcomes.clear();
        try (LifecycleController third = controller()) {
            Await.until(
                    "the half-written decision #4 is completed on the current topic",
                    Duration.ofSeconds(30),
                    () -> log.current(NAME).orElseThrow().getSequence() == 4);
            Thread.sleep(1_000);
            assertThat(outcomes).as("no second gate decision for v3").isEmpty();

            // v3 lives as well as v1 over 30+ episodes: promoted.
            stats(3, System.currentTimeMillis(), 60, 495, 10);
            awaitSequence(5);
            PolicyAssignment promoted = log.current(NAME).orElseThrow();
            assertThat(promoted.getChampion().getVersion()).isEqualTo(3);
            assertThat(promoted.getCanary()).isNull();
            assertThat(promoted.getReason())
                    .startsWith("canary v3 promoted over v1, at least as good");
        }

        List<PolicyAssignment> history = log.history(NAME);
        assertThat(history)
                .as("every decision once, in order")
                .extracting(PolicyAssignment::getSequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(history).extracting(PolicyAssignment::getDecider).containsOnly("controller");
    }

    private static void publish(long version, double dr, double low) throws Exception {
        Path dir = FakeArtifacts.write(data.resolve("policies"), NAME, version, List.of(4), 2);
        Files.writeString(
                dir.resolve("ope.json"),
                String.format(
                        "{\"estimates\": {\"dr\": {\"value\": %s, \"low\": %s, \"high\": %s}}}",
                        dr, low, 2 * dr - low));
    }

    /** One closed window of {@code episodes} episodes of {@code version}. */
    private static void stats(
            long version, long windowStart, long episodes, double mean, double std)
            throws Exception {
        EpisodeStats s =
                EpisodeStats.newBuilder()
                        .setEnvId(ENV)
                        .setPolicyVersion(version)
                        .setWindowStartMs(windowStart)
                        .setWindowEndMs(windowStart + 60_000)
                        .setEpisodes(episodes)
                        .setMeanReturn(mean)
                        .setStdReturn(std)
                        .setMinReturn(mean - 2 * std)
                        .setMaxReturn(mean + 2 * std)
                        .setMeanLength(mean)
                        .setTerminated(episodes)
                        .build();
        producer.send(
                        new ProducerRecord<>(
                                stack.topics().episodeStats(),
                                (ENV + "/" + version).getBytes(StandardCharsets.UTF_8),
                                STATS.encode(s)))
                .get();
    }

    private static void awaitSequence(long sequence) throws Exception {
        Await.until(
                "assignment #" + sequence + " of " + NAME,
                Duration.ofSeconds(60),
                () -> log.current(NAME).map(PolicyAssignment::getSequence).orElse(0L) >= sequence);
    }
}
