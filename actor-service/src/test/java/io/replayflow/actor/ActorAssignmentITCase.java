package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.follow.CompactedTopicFollower;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.actor.publish.PublisherSettings;
import io.replayflow.actor.testing.TestPolicies;
import io.replayflow.actor.testing.TestPolicies.Artifact;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.assign.CanarySplit;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Actors following a policy assignment on a real Kafka broker with real SavedModels: v1 champion
 * and v2 a 50% canary split episodes by the hash of their ids, each episode acted by one version
 * with exact {@code policy_version} and {@code behavior_prob}; a rollback brings every actor back
 * to v1; the assignment history keeps both decisions.
 */
@Timeout(240)
class ActorAssignmentITCase {
    private static final int ACTORS = 2;
    private static final int ENVS = 16;
    private static final String NAME = "canary";

    /** Around the rollback's arrival an episode may start with either version. */
    private static final long ROLLBACK_GRACE_MS = 500;

    private static LocalStack stack;
    private static Producer<byte[], byte[]> policies;
    private static AssignmentLog assignments;

    @TempDir static Path artifacts;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().withFlink(false).partitions(4).start();
        policies =
                new KafkaProducer<>(
                        PublisherSettings.defaults(stack.bootstrapServers(), "test-trainer")
                                .producerProperties());
        assignments =
                new AssignmentLog(
                        stack.bootstrapServers(), Map.of(), stack.topics(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopStack() {
        if (policies != null) {
            policies.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aCanarySplitsEpisodesByHashAndARollbackBringsEveryActorBackToTheChampion()
            throws Exception {
        Artifact v1 = TestPolicies.versionPicking(artifacts, NAME, 1, CartPole.SPEC); // action 1
        Artifact v2 = TestPolicies.versionPicking(artifacts, NAME, 2, CartPole.SPEC); // action 0
        announce(v1.announcement());
        announce(v2.announcement()); // without an assignment, v2 (the newest) would act
        assignments.publish(assignment(1, v1.announcement(), v2.announcement(), 0.5, "canary"));

        long rolledBackAtMs;
        ActorStatus done;
        try (ActorRunner runner = ActorRunner.start(config())) {
            assertThat(runner.assignmentSequence()).isEqualTo(1);
            awaitSteps(runner, 3_000);
            assignments.publish(assignment(2, v1.announcement(), null, 0.0, "rollback"));
            Await.until(
                    "the actors follow assignment #2",
                    Duration.ofSeconds(30),
                    () -> runner.assignmentSequence() == 2);
            rolledBackAtMs = System.currentTimeMillis();
            // Episodes starting inside the grace window may carry either version, so the steps
            // that must all be v1's are taken after it (3,000 steps can take under 0.5 s).
            Thread.sleep(ROLLBACK_GRACE_MS);
            awaitSteps(runner, 3_000);
            runner.stop();
            done = runner.awaitCompletion(ActorProgressListener.NONE);
        }

        Map<String, List<Transition>> episodes = new TreeMap<>();
        for (Transition t : readBack(done.steps())) {
            episodes.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>()).add(t);
        }
        Map<Long, Integer> episodesByVersion = new HashMap<>();
        int afterRollback = 0;
        for (Map.Entry<String, List<Transition>> e : episodes.entrySet()) {
            List<Transition> steps = e.getValue();
            Set<Long> versions =
                    steps.stream().map(Transition::getPolicyVersion).collect(Collectors.toSet());
            assertThat(versions).as("%s is acted by one version", e.getKey()).hasSize(1);
            long version = versions.iterator().next();
            long startedAtMs =
                    steps.stream().mapToLong(Transition::getEventTimeMs).min().orElseThrow();
            boolean startedAfterRollback = startedAtMs > rolledBackAtMs + ROLLBACK_GRACE_MS;
            long expected = !startedAfterRollback && CanarySplit.toCanary(e.getKey(), 0.5) ? 2 : 1;
            if (startedAfterRollback) {
                afterRollback++;
            } else if (startedAtMs >= rolledBackAtMs - ROLLBACK_GRACE_MS) {
                continue; // started while the rollback was arriving: either version is right
            }
            assertThat(version).as("%s's version", e.getKey()).isEqualTo(expected);
            for (Transition t : steps) {
                // ε = 0.1 around v1's action 1 or v2's action 0: μ = 0.95 for it, 0.05 otherwise
                int greedy = version == 1 ? 1 : 0;
                assertThat(t.getBehaviorProb())
                        .as("%s step %d", t.getEpisodeId(), t.getStep())
                        .isEqualTo(t.getAction() == greedy ? 0.95f : 0.05f);
            }
            episodesByVersion.merge(version, 1, Integer::sum);
        }
        assertThat(episodesByVersion.get(2L)).as("the canary acted episodes").isPositive();
        assertThat(episodesByVersion.get(1L)).as("the champion acted episodes").isPositive();
        assertThat(afterRollback)
                .as("episodes started after the rollback, all acted by v1")
                .isGreaterThan(ACTORS * ENVS);

        List<PolicyAssignment> history = assignments.history(NAME);
        assertThat(history).extracting(PolicyAssignment::getSequence).containsExactly(1L, 2L);
        assertThat(history)
                .extracting(PolicyAssignment::getReason)
                .containsExactly("canary", "rollback");
        assertThat(assignments.current(NAME).orElseThrow().getSequence()).isEqualTo(2);
    }

    private static PolicyAssignment assignment(
            long sequence, PolicyVersion champion, PolicyVersion canary, double share, String why) {
        return PolicyAssignment.newBuilder()
                .setPolicyName(NAME)
                .setSequence(sequence)
                .setChampion(assigned(champion))
                .setCanary(canary == null ? null : assigned(canary))
                .setCanaryShare(share)
                .setMode(AssignmentMode.PAUSED)
                .setReason(why)
                .setDecider("test")
                .setDecidedAtMs(System.currentTimeMillis())
                .build();
    }

    private static AssignedVersion assigned(PolicyVersion v) {
        return AssignedVersion.newBuilder()
                .setVersion(v.getVersion())
                .setUri(v.getUri())
                .setSha256(v.getSha256())
                .build();
    }

    private static ActorConfig config() {
        return ActorConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .env("CartPole-v1")
                .actors(ACTORS)
                .envsPerActor(ENVS)
                .maxStepsPerSecond(8_000)
                .policyName(NAME)
                .actorName(NAME)
                .epsilon(EpsilonSchedule.constant(0.1))
                .seed(12)
                .swapPollInterval(Duration.ofMillis(50))
                .swapInitialWait(Duration.ofSeconds(20))
                .progressInterval(Duration.ofMillis(500))
                .build();
    }

    private static void announce(PolicyVersion announced) throws Exception {
        policies.send(
                        new ProducerRecord<>(
                                stack.topics().policies(),
                                announced.getPolicyName().getBytes(StandardCharsets.UTF_8),
                                TestPolicies.encode(announced)))
                .get();
    }

    private static void awaitSteps(ActorRunner runner, long steps) throws Exception {
        long target = runner.status().steps() + steps;
        Await.until(
                "the actors took " + steps + " more steps",
                Duration.ofSeconds(60),
                () -> runner.status().steps() >= target);
    }

    private static List<Transition> readBack(long expected) throws Exception {
        SingleObjectSerde<Transition> serde = SingleObjectSerde.forClass(Transition.class);
        List<Transition> rows = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        CompactedTopicFollower.consumerProperties(
                                stack.bootstrapServers(), "test-reader"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p :
                    consumer.partitionsFor(stack.topics().transitions(), Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (rows.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    rows.add(serde.decode(record.value()));
                }
            }
        }
        assertThat(rows).as("every published transition, once").hasSize((int) expected);
        return rows;
    }
}
