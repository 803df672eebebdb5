package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.follow.CompactedTopicFollower;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.actor.publish.PublisherSettings;
import io.replayflow.actor.testing.TestPolicies;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.testing.LstmPolicy;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * Actors on CartPole-v1-masked acting with a real recurrent SavedModel (an LSTM, format 3) while a
 * second one is published on {@code rf.policies} of a real broker: every transition is read back
 * from {@code rf.transitions}, every episode must carry one policy version from its first step to
 * its last with no step missing, and every behaviour probability is recomputed by running that
 * version's LSTM in plain Java over the episode's logged observations from a zero state.
 */
@Timeout(300)
class ActorRecurrentSwapITCase {
    private static final int ACTORS = 2;
    private static final int ENVS = 8;
    private static final int UNITS = 8;

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

    @Test
    void aVersionPublishedMidRunTakesEachCopyFromItsNextEpisode() throws Exception {
        String name = "lstm";
        Map<Long, LstmPolicy> networks =
                Map.of(
                        1L, LstmPolicy.random(2, UNITS, 2, 3.0, 101),
                        2L, LstmPolicy.random(2, UNITS, 2, 3.0, 102));
        Map<Long, PolicyVersion> announced = new TreeMap<>();
        for (var entry : networks.entrySet()) {
            Path dir = artifacts.resolve(name).resolve(Long.toString(entry.getKey()));
            PolicyManifest manifest = entry.getValue().write(dir, name, entry.getKey());
            announced.put(entry.getKey(), MlpPolicy.announcement(manifest, dir));
        }
        ActorConfig config =
                ActorConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .env(CartPole.MASKED_SPEC.id())
                        .actors(ACTORS)
                        .envsPerActor(ENVS)
                        .maxStepsPerSecond(4_000)
                        .policyName(name)
                        .actorName(name)
                        .epsilon(EpsilonSchedule.constant(0.0))
                        .seed(21)
                        .swapPollInterval(Duration.ofMillis(50))
                        .swapInitialWait(Duration.ofSeconds(20))
                        .progressInterval(Duration.ofMillis(500))
                        .build();
        ActorStatus done;
        try (ActorRunner runner = ActorRunner.start(config)) {
            awaitSteps(runner, 300);
            publish(announced.get(1L));
            Await.until(
                    "every copy's episode acts with v1",
                    Duration.ofSeconds(60),
                    () -> runner.actingVersion() == 1);
            awaitSteps(runner, 2_000);
            publish(announced.get(2L));
            Await.until(
                    "every copy's episode acts with v2",
                    Duration.ofSeconds(60),
                    () -> runner.actingVersion() == 2);
            awaitSteps(runner, 1_000);
            runner.stop();
            done = runner.awaitCompletion(ActorProgressListener.NONE);
            assertThat(runner.refusals()).isEmpty();
            assertThat(runner.metrics().swaps()).isEqualTo(2);
        }
        assertThat(done.transitionsAcked()).isEqualTo(done.steps());

        List<Transition> rows = readBack(name, done.steps());
        Map<String, List<Transition>> episodes = new HashMap<>();
        Map<String, TreeSet<Long>> slotEpisodes = new HashMap<>();
        for (Transition t : rows) {
            episodes.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>()).add(t);
            slotEpisodes.computeIfAbsent(t.getActorId(), k -> new TreeSet<>()).add(index(t));
        }
        assertThat(slotEpisodes).hasSize(ACTORS * ENVS);
        for (TreeSet<Long> indexes : slotEpisodes.values()) {
            assertThat(indexes.last()).as("no episode missing").isEqualTo(indexes.size() - 1L);
        }
        Map<Long, Integer> episodesByVersion = new TreeMap<>();
        for (List<Transition> episode : episodes.values()) {
            episode.sort(Comparator.comparingLong(Transition::getStep));
            long version = episode.get(0).getPolicyVersion();
            episodesByVersion.merge(version, 1, Integer::sum);
            LstmPolicy lstm = networks.get(version);
            double[] state = new double[2 * UNITS]; // zeros at the episode's first step
            for (int k = 0; k < episode.size(); k++) {
                Transition t = episode.get(k);
                String where = t.getEpisodeId() + " step " + k;
                assertThat(t.getStep()).as("no step dropped in %s", where).isEqualTo(k);
                assertThat(t.getPolicyVersion())
                        .as("one version from first step to last: %s", where)
                        .isEqualTo(version);
                if (k < episode.size() - 1) {
                    assertThat(t.getTerminated() || t.getTruncated()).isFalse();
                    assertThat(episode.get(k + 1).getObs()).isEqualTo(t.getNextObs());
                }
                if (version == 0) {
                    assertThat(t.getBehaviorProb()).isEqualTo(0.5f);
                    continue;
                }
                double[] logits = lstm.step(toArray(t.getObs()), state, state);
                assertThat((double) t.getBehaviorProb())
                        .as("pi(a | s, state) of v%d at %s", version, where)
                        .isCloseTo(LstmPolicy.probability(logits, t.getAction()), within(1e-5));
            }
        }
        assertThat(episodesByVersion.keySet()).containsExactly(0L, 1L, 2L);
        // per copy, versions only grow from one episode to the next
        Map<String, List<Transition>> bySlot = new HashMap<>();
        rows.forEach(t -> bySlot.computeIfAbsent(t.getActorId(), k -> new ArrayList<>()).add(t));
        for (List<Transition> slot : bySlot.values()) {
            slot.sort(
                    Comparator.comparingLong(ActorRecurrentSwapITCase::index)
                            .thenComparingLong(Transition::getStep));
            for (int i = 1; i < slot.size(); i++) {
                assertThat(slot.get(i).getPolicyVersion())
                        .isGreaterThanOrEqualTo(slot.get(i - 1).getPolicyVersion());
            }
        }
    }

    private static long index(Transition t) {
        String id = t.getEpisodeId();
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    private static void publish(PolicyVersion announced) throws Exception {
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

    /** Every transition of the actors named {@code name}, read from the beginning of the topic. */
    private static List<Transition> readBack(String name, long expected) throws Exception {
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
                    Transition t = serde.decode(record.value());
                    if (t.getActorId().startsWith(name + "-")) {
                        rows.add(t);
                    }
                }
            }
        }
        assertThat(rows).as("every published transition, once").hasSize((int) expected);
        return rows;
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
