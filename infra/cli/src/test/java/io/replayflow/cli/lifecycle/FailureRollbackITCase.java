package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorProgressListener;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.infra.stack.testing.KafkaTestClients;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyFailureKind;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Actor failure reports roll a canary back, on a real broker with real actors and real SavedModels:
 * v2 is damaged after it was published (one byte of its variables flipped), then forced in by hand
 * as a 50% canary; the actors refuse it (its digest no longer matches), report the refusal on
 * {@code rf.policy.failures}, and the controller rolls it back with the failure in its reason, long
 * before any live return could judge it. Meanwhile the actors act every episode with the champion:
 * no step dropped, every transition v1's with its exact behaviour probability.
 */
@Timeout(240)
class FailureRollbackITCase {
    private static final String NAME = "fr";
    private static final int ENVS = 8;
    private static final SingleObjectSerde<Transition> TRANSITIONS =
            SingleObjectSerde.forClass(Transition.class);

    private static final ControllerConfig CONFIG =
            ControllerOptions.parse(Map.of("controller.poll-interval", "200ms"));

    private static LocalStack stack;
    private static AssignmentLog log;

    @TempDir static Path data;

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
    void aCanaryTheActorsCannotLoadIsRolledBackOnTheirReportAndTheChampionActsThroughout()
            throws Exception {
        // q = obs · 0 + b: v1 always prefers action 1, v2 action 0.
        write(1, new float[] {0f, 1f});
        write(2, new float[] {1f, 0f});
        PolicyVersions versions = PolicyVersions.read(data, NAME);
        AssignedVersion v1 = versions.verified(1).assigned();
        AssignedVersion v2 = versions.verified(2).assigned();
        log.publish(assignment(1, v1, null, 0.0, "v1 alone"));

        ActorStatus done;
        PolicyAssignment rolledBack;
        try (ActorRunner runner = ActorRunner.start(config());
                LifecycleController controller = controller()) {
            assertThat(runner.assignmentSequence()).isEqualTo(1);
            controller.start();
            awaitSteps(runner, 2_000);

            damage(data.resolve("policies/" + NAME + "/2"));
            log.publish(assignment(2, v1, v2, 0.5, "v2 as a 50% canary, by hand"));
            Await.until(
                    "the controller rolls the refused canary back",
                    Duration.ofSeconds(60),
                    () -> log.current(NAME).orElseThrow().getSequence() >= 3);
            rolledBack = log.current(NAME).orElseThrow();
            awaitSteps(runner, runner.status().steps() + 2_000);
            runner.stop();
            done = runner.awaitCompletion(ActorProgressListener.NONE);
            assertThat(runner.refusals())
                    .extracting(ActorRunner.Refusal::version)
                    .containsExactly(2L);
        }

        assertThat(rolledBack.getSequence()).isEqualTo(3);
        assertThat(rolledBack.getChampion().getVersion()).isEqualTo(1);
        assertThat(rolledBack.getCanary()).isNull();
        assertThat(rolledBack.getDecider()).isEqualTo("controller");
        assertThat(rolledBack.getReason())
                .startsWith(
                        "canary v2 rolled back, champion v1 acts alone, 1 failure report (at least"
                                + " 1 roll back): could not load it [")
                .contains("from " + NAME + ": ");
        assertThat(log.history(NAME))
                .extracting(PolicyAssignment::getSequence)
                .containsExactly(1L, 2L, 3L);

        List<PolicyFailure> reports =
                PolicyFailures.read(
                        stack.bootstrapServers(), Map.of(), stack.topics().policyFailures());
        assertThat(reports).hasSize(1);
        PolicyFailure report = reports.get(0);
        assertThat(report.getPolicyName()).isEqualTo(NAME);
        assertThat(report.getVersion()).isEqualTo(2);
        assertThat(report.getKind()).isEqualTo(PolicyFailureKind.SWAP);
        assertThat(report.getAssignmentSequence()).isEqualTo(2);
        assertThat(report.getReporter()).isEqualTo(NAME);

        List<Transition> transitions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readAllBytes(
                        stack.bootstrapServers(), stack.topics().transitions())) {
            transitions.add(TRANSITIONS.decode(r.value()));
        }
        assertThat(transitions)
                .as("every step acted was published once")
                .hasSize((int) done.steps());
        Map<String, List<Transition>> episodes = new TreeMap<>();
        for (Transition t : transitions) {
            episodes.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>()).add(t);
            assertThat(t.getPolicyVersion()).as("the champion acts every step").isEqualTo(1);
            // ε = 0.1 around v1's action 1: μ(1) = 0.95, μ(0) = 0.05.
            assertThat(t.getBehaviorProb()).isEqualTo(t.getAction() == 1 ? 0.95f : 0.05f);
        }
        for (List<Transition> episode : episodes.values()) {
            for (int k = 0; k < episode.size(); k++) {
                assertThat(episode.get(k).getStep())
                        .as("%s: no step dropped or repeated", episode.get(k).getEpisodeId())
                        .isEqualTo(k);
            }
        }
    }

    private static void write(long version, float[] bias) throws Exception {
        MlpPolicy.linear(new float[4][2], bias)
                .write(data.resolve("policies/" + NAME + "/" + version), NAME, version);
    }

    /** Flips one byte of the variables, after the manifest recorded their digests. */
    private static void damage(Path dir) throws Exception {
        Path variables = dir.resolve("variables/variables.data-00000-of-00001");
        byte[] bytes = Files.readAllBytes(variables);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(variables, bytes);
    }

    private static PolicyAssignment assignment(
            long sequence,
            AssignedVersion champion,
            AssignedVersion canary,
            double share,
            String why) {
        return PolicyAssignment.newBuilder()
                .setPolicyName(NAME)
                .setSequence(sequence)
                .setChampion(champion)
                .setCanary(canary)
                .setCanaryShare(share)
                .setMode(AssignmentMode.AUTOMATIC)
                .setReason(why)
                .setDecider("alice")
                .setDecidedAtMs(System.currentTimeMillis())
                .build();
    }

    private static LifecycleController controller() {
        return LifecycleController.onKafka(
                CONFIG,
                data,
                List.of(NAME),
                stack.bootstrapServers(),
                Map.of(),
                stack.topics(),
                "CartPole-v1",
                new ControllerMetrics(new PrometheusRegistry()),
                outcome -> {});
    }

    private static ActorConfig config() {
        return ActorConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .env("CartPole-v1")
                .actors(1)
                .envsPerActor(ENVS)
                .maxStepsPerSecond(4_000)
                .policyName(NAME)
                .actorName(NAME)
                .epsilon(EpsilonSchedule.constant(0.1))
                .seed(5)
                .swapPollInterval(Duration.ofMillis(50))
                .swapInitialWait(Duration.ofSeconds(20))
                .policyRoot(data.resolve("policies"))
                .progressInterval(Duration.ofMillis(500))
                .build();
    }

    private static void awaitSteps(ActorRunner runner, long steps) throws Exception {
        Await.until(
                "the actors reach " + steps + " steps",
                Duration.ofSeconds(60),
                () -> runner.status().steps() >= steps);
    }
}
