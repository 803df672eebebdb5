package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.env.Acrobot;
import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.follow.CompactedTopicFollower;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.actor.publish.PublisherSettings;
import io.replayflow.actor.testing.TestPolicies;
import io.replayflow.actor.testing.TestPolicies.Artifact;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
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
 * Actors against a real Kafka broker, hot-swapping real SavedModels published on {@code
 * rf.policies} while they act; every transition is read back from {@code rf.transitions} and
 * checked.
 */
@Timeout(240)
class ActorHotSwapITCase {
    private static final int ACTORS = 2;
    private static final int ENVS = 16;

    private static LocalStack stack;
    private static Producer<byte[], byte[]> policies;

    @TempDir static Path artifacts;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().withFlink(false).partitions(4).start();
        policies =
                new KafkaProducer<>(
                        PublisherSettings.defaults(stack.bootstrapServers(), "test-trainer")
                                .producerProperties());
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

    private static ActorConfig config(String name) {
        return ActorConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .env("CartPole-v1")
                .actors(ACTORS)
                .envsPerActor(ENVS)
                .maxStepsPerSecond(8_000) // like a slow simulator: keeps the data small
                .policyName(name)
                .actorName(name)
                .epsilon(EpsilonSchedule.constant(0.0))
                .seed(11)
                .swapPollInterval(Duration.ofMillis(50))
                .swapInitialWait(Duration.ofSeconds(20))
                .progressInterval(Duration.ofMillis(500))
                .build();
    }

    private static void publish(PolicyVersion announced) throws Exception {
        policies.send(
                        new ProducerRecord<>(
                                stack.topics().policies(),
                                announced.getPolicyName().getBytes(StandardCharsets.UTF_8),
                                TestPolicies.encode(announced)))
                .get();
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(what, Duration.ofSeconds(30), condition::getAsBoolean);
    }

    /** Waits for the actors to take {@code steps} more steps. */
    private static void awaitSteps(ActorRunner runner, long steps) throws Exception {
        long target = runner.status().steps() + steps;
        await("the actors took " + steps + " more steps", () -> runner.status().steps() >= target);
    }

    @Test
    void twentyVersionsPublishedWhileActingSwapWithoutLosingAStep() throws Exception {
        String name = "twenty";
        List<Artifact> versions = new ArrayList<>();
        for (int v = 1; v <= 20; v++) {
            versions.add(TestPolicies.versionPicking(artifacts, name, v, CartPole.SPEC));
        }
        List<Long> swappedIn = new CopyOnWriteArrayList<>();
        AtomicReference<ActorStatus> finished = new AtomicReference<>();
        ActorProgressListener progress =
                new ActorProgressListener() {
                    @Override
                    public void swapped(long version, Duration loadTime) {
                        swappedIn.add(version);
                    }

                    @Override
                    public void finished(ActorStatus status) {
                        finished.set(status);
                    }
                };
        ActorStatus done;
        try (ActorRunner runner = ActorRunner.start(config(name))) {
            awaitSteps(runner, 500);
            assertThat(runner.actingVersion()).isZero();
            for (Artifact artifact : versions) {
                publish(artifact.announcement());
                long v = artifact.version();
                await("every actor acts with v" + v, () -> runner.actingVersion() >= v);
                awaitSteps(runner, 300);
            }
            runner.stop();
            done = runner.awaitCompletion(progress);
            assertThat(runner.metrics().swaps()).isEqualTo(20);
            assertThat(runner.metrics().swapFailures()).isZero();
            assertThat(runner.refusals()).isEmpty();
        }
        assertThat(done.transitionsAcked()).isEqualTo(done.steps());
        // what the console shows as "policy 'twenty' v20 swapped in" and "| policy v20 |"
        assertThat(swappedIn).contains(20L);
        assertThat(finished.get()).isEqualTo(done);
        assertThat(done.policyVersion()).isEqualTo(20);

        List<Row> rows = readBack(name, done.steps());
        checkEpisodes(rows);
        Map<Long, Long> byVersion =
                rows.stream().collect(Collectors.groupingBy(Row::version, Collectors.counting()));
        assertThat(byVersion.keySet())
                .as("every version acted")
                .containsExactlyInAnyOrderElementsOf(range(0, 20));
        for (Row row : rows) {
            if (row.version() == 0) {
                assertThat(row.behaviorProb()).isEqualTo(0.5f);
            } else {
                assertThat(row.action())
                        .as("the action of v%d", row.version())
                        .isEqualTo((int) (row.version() % 2));
                assertThat(row.behaviorProb()).isEqualTo(1.0f);
            }
        }
    }

    @Test
    void minAtarActorsActWithARealPolicyAndPublishUint8Images() throws Exception {
        // Breakout with sticky actions (MinAtar's p = 0.1): a real SavedModel over the flattened
        // 10x10x4 image (batched, float input) picks action 1 % 6 = 1 ("l") for every copy.
        String name = "minatar";
        EnvSpec breakout = EnvSpecs.MINATAR_BREAKOUT;
        Artifact v1 = TestPolicies.versionPicking(artifacts, name, 1, breakout);
        ActorConfig config =
                ActorConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .env(breakout.id())
                        .actors(ACTORS)
                        .envsPerActor(ENVS)
                        .maxStepsPerSecond(8_000)
                        .policyName(name)
                        .actorName(name)
                        .epsilon(EpsilonSchedule.constant(0.0))
                        .seed(12)
                        .swapPollInterval(Duration.ofMillis(50))
                        .swapInitialWait(Duration.ofSeconds(20))
                        .progressInterval(Duration.ofMillis(500))
                        .build();
        ActorStatus done;
        try (ActorRunner runner = ActorRunner.start(config)) {
            awaitSteps(runner, 300);
            publish(v1.announcement());
            await("acting with v1", () -> runner.actingVersion() == 1);
            awaitSteps(runner, 2_000);
            runner.stop();
            done = runner.awaitCompletion(ActorProgressListener.NONE);
            assertThat(runner.refusals()).isEmpty();
        }
        assertThat(done.transitionsAcked()).isEqualTo(done.steps());

        List<Row> rows = readBack(name, done.steps());
        checkEpisodes(rows);
        assertThat(rows.stream().filter(Row::ended)).as("random and 'l' play lose").isNotEmpty();
        for (Row row : rows) {
            assertThat(row.obs()).hasSize(400).containsOnly(0f, 1f);
            assertThat(row.nextObs()).hasSize(400).containsOnly(0f, 1f);
            // channel 0 (paddle) has exactly one cell, on row 9
            assertThat(
                            java.util.stream.IntStream.range(0, 100)
                                    .filter(cell -> row.obs().get(cell * 4) == 1f))
                    .singleElement()
                    .satisfies(cell -> assertThat(cell / 10).isEqualTo(9));
            if (row.version() == 1) {
                assertThat(row.action()).isEqualTo(1);
                assertThat(row.behaviorProb()).isEqualTo(1.0f);
            } else {
                assertThat(row.behaviorProb()).isEqualTo(1f / 6);
            }
        }
        assertThat(rows.stream().map(Row::version).distinct()).containsExactlyInAnyOrder(0L, 1L);
    }

    @Test
    void badArtifactsAreRefusedWhileTheActorsKeepActing() throws Exception {
        String name = "guarded";
        Artifact v1 = TestPolicies.versionPicking(artifacts, name, 1, CartPole.SPEC);
        Artifact corrupted = TestPolicies.versionPicking(artifacts, name, 2, CartPole.SPEC);
        TestPolicies.corrupt(corrupted);
        Artifact wrongShape = TestPolicies.constantAction(artifacts, name, 3, Acrobot.SPEC, 0);
        Artifact missing = TestPolicies.versionPicking(artifacts, name, 4, CartPole.SPEC);
        Artifact v5 = TestPolicies.versionPicking(artifacts, name, 5, CartPole.SPEC);
        ActorStatus done;
        try (ActorRunner runner = ActorRunner.start(config(name))) {
            publish(v1.announcement());
            await("acting with v1", () -> runner.actingVersion() == 1);

            publish(corrupted.announcement());
            await("v2 refused", () -> runner.metrics().swapFailures() == 1);
            publish(wrongShape.announcement());
            await("v3 refused", () -> runner.metrics().swapFailures() == 2);
            publish(missing.announcedAt(artifacts.resolve("never-written/4").toUri().toString()));
            await("v4 refused", () -> runner.metrics().swapFailures() == 3);
            awaitSteps(runner, 1_000);
            assertThat(runner.actingVersion()).as("still on v1").isEqualTo(1);

            publish(v1.announcement()); // not newer: ignored, neither swap nor failure
            publish(v5.announcement());
            await("acting with v5", () -> runner.actingVersion() == 5);
            awaitSteps(runner, 300);

            assertThat(runner.refusals())
                    .extracting(ActorRunner.Refusal::version, ActorRunner.Refusal::reason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(2L, Reason.CHECKSUM_MISMATCH),
                            org.assertj.core.groups.Tuple.tuple(3L, Reason.SPEC_MISMATCH),
                            org.assertj.core.groups.Tuple.tuple(4L, Reason.MISSING_ARTIFACT));
            assertThat(runner.refusals().get(0).message())
                    .contains("checksum mismatch in", "variables.data-00000-of-00001");
            assertThat(runner.refusals().get(1).message())
                    .contains("expects observations of shape [6] but CartPole-v1 gives [4]");
            assertThat(runner.refusals().get(2).message())
                    .contains("never-written/4 does not exist");
            assertThat(runner.metrics().swaps()).isEqualTo(2);
            assertThat(scrape(runner))
                    .contains(
                            "\nreplayflow_actor_swap_failures_total{reason=\"checksum_mismatch\"}"
                                    + " 1.0\n",
                            "\nreplayflow_actor_swap_failures_total{reason=\"spec_mismatch\"}"
                                    + " 1.0\n",
                            "\nreplayflow_actor_swap_failures_total{reason=\"missing_artifact\"}"
                                    + " 1.0\n",
                            "\nreplayflow_actor_swaps_total 2.0\n",
                            "\nreplayflow_actor_policy_version 5.0\n");

            runner.stop();
            done = runner.awaitCompletion(ActorProgressListener.NONE);
        }
        List<Row> rows = readBack(name, done.steps());
        checkEpisodes(rows);
        assertThat(rows.stream().map(Row::version).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0L, 1L, 5L);
        assertThat(rows)
                .filteredOn(r -> r.version() > 0)
                .allSatisfy(r -> assertThat(r.action()).isEqualTo((int) (r.version() % 2)));
    }

    private static String scrape(ActorRunner runner) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + runner.metricsPort()
                                                                + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** What the checks need of one transition, and where it was read from. */
    record Row(
            String actorId,
            String episodeId,
            long step,
            int action,
            float behaviorProb,
            long version,
            boolean ended,
            List<Float> obs,
            List<Float> nextObs,
            int partition) {

        long episodeIndex() {
            return Long.parseLong(episodeId.substring(episodeId.lastIndexOf('-') + 1));
        }
    }

    /** Every transition of the actors named {@code name}, read from the beginning of the topic. */
    private static List<Row> readBack(String name, long expected) throws Exception {
        SingleObjectSerde<Transition> serde = SingleObjectSerde.forClass(Transition.class);
        List<Row> rows = new ArrayList<>();
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
                    Transition t = serde.decode(record.value());
                    if (!t.getActorId().startsWith(name + "-")) {
                        continue;
                    }
                    assertThat(new String(record.key(), StandardCharsets.UTF_8))
                            .isEqualTo(t.getEpisodeId());
                    rows.add(
                            new Row(
                                    t.getActorId(),
                                    t.getEpisodeId(),
                                    t.getStep(),
                                    t.getAction(),
                                    t.getBehaviorProb(),
                                    t.getPolicyVersion(),
                                    t.getTerminated() || t.getTruncated(),
                                    observation(t.getObs(), t.getObsImage()),
                                    observation(t.getNextObs(), t.getNextObsImage()),
                                    record.partition()));
                }
            }
        }
        assertThat(rows).as("every published transition, once").hasSize((int) expected);
        return rows;
    }

    /** The vector, or an image's uint8 values as floats, so episodes compare either kind. */
    private static List<Float> observation(
            List<Float> vector, io.replayflow.schemas.avro.UInt8Tensor image) {
        if (image == null) {
            return vector;
        }
        assertThat(vector).as("obs next to obs_image").isEmpty();
        java.nio.ByteBuffer data = image.getData().duplicate();
        List<Float> values = new ArrayList<>(data.remaining());
        while (data.hasRemaining()) {
            values.add((float) (data.get() & 0xFF));
        }
        return values;
    }

    /**
     * Every episode is in one partition with steps 0..n-1 exactly once, only its last step may end
     * it, and next_obs of step k is obs of step k+1; each slot's episodes are 0..E-1 and its
     * versions never decrease.
     */
    private static void checkEpisodes(List<Row> rows) {
        Map<String, List<Row>> episodes = new HashMap<>();
        Map<String, Set<Long>> slotEpisodes = new HashMap<>();
        for (Row row : rows) {
            episodes.computeIfAbsent(row.episodeId(), k -> new ArrayList<>()).add(row);
            slotEpisodes
                    .computeIfAbsent(row.actorId(), k -> new TreeSet<>())
                    .add(row.episodeIndex());
        }
        assertThat(slotEpisodes).hasSize(ACTORS * ENVS);
        for (Set<Long> indexes : slotEpisodes.values()) {
            assertThat(indexes).containsExactlyElementsOf(range(0, indexes.size() - 1));
        }
        for (List<Row> episode : episodes.values()) {
            episode.sort(Comparator.comparingLong(Row::step));
            assertThat(new HashSet<>(episode.stream().map(Row::partition).toList()))
                    .as("one partition per episode")
                    .hasSize(1);
            for (int k = 0; k < episode.size(); k++) {
                Row row = episode.get(k);
                assertThat(row.step()).as("%s step %d", row.episodeId(), k).isEqualTo(k);
                if (k < episode.size() - 1) {
                    assertThat(row.ended())
                            .as("%s ends only at its last step", row.episodeId())
                            .isFalse();
                    assertThat(episode.get(k + 1).obs()).isEqualTo(row.nextObs());
                }
            }
        }
        Map<String, List<Row>> bySlot = rows.stream().collect(Collectors.groupingBy(Row::actorId));
        for (List<Row> slot : bySlot.values()) {
            slot.sort(Comparator.comparingLong(Row::episodeIndex).thenComparingLong(Row::step));
            for (int i = 1; i < slot.size(); i++) {
                assertThat(slot.get(i).version())
                        .as("versions never decrease in %s", slot.get(i).actorId())
                        .isGreaterThanOrEqualTo(slot.get(i - 1).version());
            }
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            values.add(v);
        }
        return values;
    }
}
