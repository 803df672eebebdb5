package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.env.EpisodeSeeds;
import io.replayflow.actor.env.StepResult;
import io.replayflow.actor.env.VectorEnv;
import io.replayflow.actor.metrics.ActorMetrics;
import io.replayflow.actor.policy.EpsilonGreedy;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.actor.policy.RandomPolicy;
import io.replayflow.actor.publish.PublishFailedException;
import io.replayflow.actor.publish.TransitionPublisher;
import io.replayflow.policy.Policy;
import io.replayflow.policy.assign.CanarySplit;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.assign.PolicyRouter.Routing;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.policy.testing.FixedPolicy;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The actor loop against Kafka's MockProducer (the real broker is in ActorHotSwapITCase). */
@Timeout(60)
class ActorTest {
    private static final long SEED = 3L;
    private static final int ENVS = 8;

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final TransitionPublisher publisher =
            new TransitionPublisher(producer, "rf.transitions");
    private final ActorMetrics metrics =
            new ActorMetrics(
                    () -> 0, publisher::blockedSends, publisher::blockedNanos, publisher::acked);
    private final VectorEnv envs = VectorEnv.create(CartPole::new, ENVS, SEED);
    private final PolicyHolder holder =
            new PolicyHolder(PolicyRef.of(new RandomPolicy(2, 4, new SplittableRandom(1))));
    private final PolicyRouter router = new PolicyRouter();
    private final List<String> acting = new ArrayList<>();
    private final Actor actor =
            new Actor(
                    0,
                    new EpisodeIds("host", 0, "nonce"),
                    envs,
                    holder,
                    router,
                    new EpsilonGreedy(EpsilonSchedule.constant(0.1), new SplittableRandom(2)),
                    publisher,
                    InstantSource.fixed(Instant.ofEpochMilli(1_234)),
                    metrics,
                    (index, version, nanos) -> acting.add(index + ":v" + version));
    private final SingleObjectSerde<Transition> serde =
            SingleObjectSerde.forClass(Transition.class);

    private List<Transition> published() throws Exception {
        List<Transition> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            Transition t = serde.decode(record.value());
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .as("keyed by episode id")
                    .isEqualTo(t.getEpisodeId());
            assertThat(record.topic()).isEqualTo("rf.transitions");
            out.add(t);
        }
        return out;
    }

    @Test
    void publishesEveryStepOfEverySlotWithItsIdentityAndTheTrueDynamics() throws Exception {
        actor.run(100, 0, () -> false);

        List<Transition> transitions = published();
        assertThat(transitions).hasSize(100 * ENVS);
        assertThat(metrics.steps()).isEqualTo(100 * ENVS);
        assertThat(actor.steps()).isEqualTo(100 * ENVS);

        Map<String, List<Transition>> episodes = new TreeMap<>();
        for (Transition t : transitions) {
            episodes.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>()).add(t);
            assertThat(t.getEnvId()).isEqualTo("CartPole-v1");
            assertThat(t.getEventTimeMs()).isEqualTo(1_234);
            assertThat(t.getBehaviorProb()).as("version 0 is uniform").isEqualTo(0.5f);
            assertThat(t.getPolicyVersion()).isZero();
            assertThat(t.getEpisodeId()).startsWith(t.getActorId() + "-nonce-");
            assertThat(t.getActorId()).matches("host-0/[0-7]");
        }
        long ended = 0;
        for (List<Transition> episode : episodes.values()) {
            episode.sort(Comparator.comparingLong(Transition::getStep));
            replayAndCompare(episode);
            Transition last = episode.get(episode.size() - 1);
            if (last.getTerminated() || last.getTruncated()) {
                ended++;
            }
        }
        assertThat(metrics.episodes()).isEqualTo(ended).isPositive();
        assertThat(acting).containsExactly("0:v0");
    }

    @Test
    void withAnAssignmentEachEpisodeActsWithTheVersionItsIdHashesToFromStartToEnd()
            throws Exception {
        FixedPolicy v1 = new FixedPolicy(1, 1, 2, 4);
        FixedPolicy v2 = new FixedPolicy(2, 0, 2, 4);
        PolicyRef champion = PolicyRef.of(v1);
        PolicyRef canary = PolicyRef.of(v2);
        router.install(new Routing(champion, canary, 0.5, 1));
        canary.release(); // the router and the episodes hold v2 now
        champion.release();

        envs.reset();
        for (int i = 0; i < 50; i++) {
            actor.step();
        }
        int beforeRollback = 50 * ENVS;
        router.install(new Routing(router.routing().champion(), null, 0.0, 2)); // back to v1
        for (int i = 0; i < 100; i++) {
            actor.step();
        }

        List<Transition> transitions = published();
        Map<String, Integer> firstIndex = new TreeMap<>();
        Map<String, List<Transition>> episodes = new TreeMap<>();
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            firstIndex.putIfAbsent(t.getEpisodeId(), i);
            episodes.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>()).add(t);
        }
        int canaryEpisodes = 0;
        for (Map.Entry<String, List<Transition>> e : episodes.entrySet()) {
            String id = e.getKey();
            boolean startedBefore = firstIndex.get(id) < beforeRollback;
            long expected = startedBefore && CanarySplit.toCanary(id, 0.5) ? 2 : 1;
            for (Transition t : e.getValue()) {
                assertThat(t.getPolicyVersion()).as(id).isEqualTo(expected);
                // ε = 0.1 around v1's action 1 or v2's action 0: 0.95 for it, 0.05 for the other.
                int greedy = expected == 1 ? 1 : 0;
                assertThat(t.getBehaviorProb()).isEqualTo(t.getAction() == greedy ? 0.95f : 0.05f);
            }
            canaryEpisodes += expected == 2 ? 1 : 0;
        }
        assertThat(canaryEpisodes).isPositive();
        assertThat(v2.closed())
                .as("the rolled-back canary closed once its episodes ended")
                .isTrue();
        assertThat(v1.closed()).as("the champion still acts").isFalse();
    }

    @Test
    void withASpreadEachSlotExploresAtItsOwnRateAlsoWhenActingInGroups() throws Exception {
        // Ape-X's rates over the 8 slots: slot i at 0.5^(1 + 3 i / 7), 0.5 down to 0.0625. A
        // canary on half the episodes makes the actor act in groups (rows gathered from some
        // slots), so each row must still get its own slot's rate.
        Actor spread =
                new Actor(
                        0,
                        new EpisodeIds("host", 0, "nonce"),
                        envs,
                        holder,
                        router,
                        new EpsilonGreedy(
                                EpsilonSchedule.constant(0.5), 3.0, ENVS, new SplittableRandom(4)),
                        publisher,
                        InstantSource.fixed(Instant.ofEpochMilli(1_234)),
                        metrics,
                        (index, version, nanos) -> {});
        PolicyRef champion = PolicyRef.of(new FixedPolicy(1, 1, 2, 4));
        PolicyRef canary = PolicyRef.of(new FixedPolicy(2, 0, 2, 4));
        router.install(new Routing(champion, canary, 0.5, 1));
        canary.release();
        champion.release();

        envs.reset();
        for (int i = 0; i < 400; i++) {
            spread.step();
        }

        int[] explored = new int[ENVS];
        int[] steps = new int[ENVS];
        for (Transition t : published()) {
            int slot = Integer.parseInt(t.getActorId().substring(t.getActorId().indexOf('/') + 1));
            double rate = Math.pow(0.5, 1 + 3.0 * slot / (ENVS - 1));
            int greedy = t.getPolicyVersion() == 1 ? 1 : 0;
            float expected =
                    t.getAction() == greedy
                            ? EpsilonGreedy.greedyProbability(rate, 2)
                            : EpsilonGreedy.exploratoryProbability(rate, 2);
            assertThat(t.getBehaviorProb()).as("slot %d", slot).isEqualTo(expected);
            explored[slot] += t.getAction() == greedy ? 0 : 1;
            steps[slot]++;
        }
        // Non-greedy actions come at rate/2 (|A| = 2): 25 % on slot 0, 3.1 % on slot 7, over 400
        // steps each (binomial sd 2.2 and 0.9 points).
        assertThat(explored[0] / (double) steps[0]).isBetween(0.17, 0.33);
        assertThat(explored[ENVS - 1] / (double) steps[ENVS - 1]).isBetween(0.0, 0.07);
        assertThat(explored[0]).isGreaterThan(3 * explored[ENVS - 1]);
    }

    @Test
    void aCanaryWhoseInferenceThrowsIsReportedAndItsEpisodesFinishOnTheChampion() throws Exception {
        FixedPolicy v1 = new FixedPolicy(1, 1, 2, 4);
        FixedPolicy v2 = new FixedPolicy(2, 0, 2, 4);
        boolean[] broken = {false};
        Policy failing =
                new Policy() {
                    @Override
                    public long version() {
                        return 2;
                    }

                    @Override
                    public int numActions() {
                        return 2;
                    }

                    @Override
                    public int observationSize() {
                        return 4;
                    }

                    @Override
                    public boolean deterministic() {
                        return true;
                    }

                    @Override
                    public void act(float[] obs, int batch, int[] actions, float[] probs) {
                        if (broken[0]) {
                            throw new IllegalStateException("canary graph lost a variable");
                        }
                        v2.act(obs, batch, actions, probs);
                    }

                    @Override
                    public void close() {
                        v2.close();
                    }
                };
        List<String> failures = new ArrayList<>();
        Actor reporting =
                new Actor(
                        0,
                        new EpisodeIds("host", 0, "nonce"),
                        envs,
                        holder,
                        router,
                        new EpsilonGreedy(EpsilonSchedule.constant(0.1), new SplittableRandom(2)),
                        publisher,
                        InstantSource.fixed(Instant.ofEpochMilli(1_234)),
                        metrics,
                        new ActingListener() {
                            @Override
                            public void onActing(int index, long version, long nanoTime) {}

                            @Override
                            public void onActFailed(
                                    int index, long version, RuntimeException failure) {
                                failures.add("v" + version + ": " + failure.getMessage());
                            }
                        });
        PolicyRef champion = PolicyRef.of(v1);
        PolicyRef canary = PolicyRef.of(failing);
        router.install(new Routing(champion, canary, 0.5, 1));
        canary.release();
        champion.release();

        envs.reset();
        for (int i = 0; i < 30; i++) {
            reporting.step();
        }
        int beforeFailure = 30 * ENVS;
        broken[0] = true;
        for (int i = 0; i < 100; i++) {
            reporting.step();
        }

        assertThat(failures)
                .as("reported once: the actor stops giving v2 episodes")
                .containsExactly("v2: canary graph lost a variable");
        List<Transition> transitions = published();
        assertThat(transitions).as("no step dropped").hasSize(130 * ENVS);
        Map<String, List<Transition>> episodes = new TreeMap<>();
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            episodes.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>()).add(t);
            assertThat(t.getPolicyVersion())
                    .as("after the failure only the champion acts")
                    .isEqualTo(i >= beforeFailure ? 1 : t.getPolicyVersion());
            int greedy = t.getPolicyVersion() == 1 ? 1 : 0;
            assertThat(t.getBehaviorProb()).isEqualTo(t.getAction() == greedy ? 0.95f : 0.05f);
        }
        int switched = 0;
        for (List<Transition> episode : episodes.values()) {
            for (int k = 0; k < episode.size(); k++) {
                assertThat(episode.get(k).getStep()).as("contiguous steps").isEqualTo(k);
            }
            if (episode.get(0).getPolicyVersion() == 2
                    && episode.get(episode.size() - 1).getPolicyVersion() == 1) {
                switched++;
            }
        }
        assertThat(switched).as("canary episodes running at the failure finish on v1").isPositive();
    }

    @Test
    void pacesItselfToTheRateLimit() {
        long start = System.nanoTime();
        actor.run(21, 1_600, () -> false); // 8 envs per step: 200 vector steps/s
        assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(99);
        assertThat(metrics.steps()).isEqualTo(21 * ENVS);
    }

    /**
     * A gate that lets 5 vector steps through, then holds the actor until a "trainer" opens it: the
     * actor waits there without stepping, goes on once allowed, and a stop while held ends it.
     */
    @Test
    void waitsAtTheGateUntilItOpensAndStopsWhileHeld() throws Exception {
        AtomicLong allowed = new AtomicLong(5 * ENVS);
        AtomicBoolean stop = new AtomicBoolean();
        Thread running =
                new Thread(
                        () -> actor.run(0, 0, stop::get, steps -> steps < allowed.get()),
                        "gated-actor");
        running.start();
        await(() -> actor.steps() == 5 * ENVS);
        Thread.sleep(100);
        assertThat(actor.steps()).as("held at the gate").isEqualTo(5 * ENVS);
        assertThat(running.isAlive()).isTrue();

        allowed.set(12 * ENVS);
        await(() -> actor.steps() == 12 * ENVS);
        Thread.sleep(100);
        assertThat(actor.steps()).as("held again").isEqualTo(12 * ENVS);

        stop.set(true);
        running.join(5_000);
        assertThat(running.isAlive()).as("a stop ends a held actor").isFalse();
        assertThat(published()).hasSize(12 * ENVS);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Steps a fresh CartPole from the episode's derived seed with the logged actions. */
    private static void replayAndCompare(List<Transition> episode) {
        Transition first = episode.get(0);
        String[] parts = first.getEpisodeId().split("-");
        long episodeIndex = Long.parseLong(parts[parts.length - 1]);
        int slot = Integer.parseInt(first.getActorId().substring("host-0/".length()));
        CartPole env = new CartPole();
        float[] obs = env.reset(EpisodeSeeds.of(SEED, slot, episodeIndex));
        float[] next = new float[4];
        StepResult result = new StepResult();
        for (int k = 0; k < episode.size(); k++) {
            Transition t = episode.get(k);
            assertThat(t.getStep()).as("contiguous steps").isEqualTo(k);
            assertThat(t.getObs()).containsExactly(box(obs));
            env.step(t.getAction(), next, 0, result);
            assertThat(t.getNextObs()).containsExactly(box(next));
            assertThat(t.getReward()).isEqualTo(result.reward());
            assertThat(t.getTerminated()).isEqualTo(result.terminated());
            boolean ended = t.getTerminated() || t.getTruncated();
            assertThat(ended)
                    .as("only the last step ends")
                    .isEqualTo(k == 499 || result.terminated());
            System.arraycopy(next, 0, obs, 0, 4);
        }
    }

    private static Float[] box(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    @Test
    void aSwapLandsBetweenTwoVectorStepsAndEachTransitionCarriesItsVersion() throws Exception {
        envs.reset();
        for (int i = 0; i < 5; i++) {
            actor.step();
        }
        FixedPolicy v1 = new FixedPolicy(1, 1, 2, 4);
        PolicyRef ref = PolicyRef.of(v1);
        holder.offer(ref);
        ref.release();
        for (int i = 0; i < 5; i++) {
            actor.step();
        }

        List<Transition> transitions = published();
        assertThat(transitions.subList(0, 5 * ENVS))
                .allSatisfy(t -> assertThat(t.getPolicyVersion()).isZero());
        // ε = 0.1 around greedy action 1: μ(1) = 0.05 + 0.9 = 0.95, μ(0) = 0.05.
        assertThat(transitions.subList(5 * ENVS, 10 * ENVS))
                .allSatisfy(
                        t -> {
                            assertThat(t.getPolicyVersion()).isEqualTo(1);
                            assertThat(t.getBehaviorProb())
                                    .isEqualTo(t.getAction() == 1 ? 0.95f : 0.05f);
                        });
        assertThat(v1.calls()).isEqualTo(5);
        assertThat(acting).containsExactly("0:v0", "0:v1");
        assertThat(actor.actingVersion()).isEqualTo(1);
    }

    @Test
    void aRecordTheBrokerRefusesStopsTheActorWithTheReason() {
        MockProducer<byte[], byte[]> manual =
                new MockProducer<>(
                        false, null, new ByteArraySerializer(), new ByteArraySerializer());
        TransitionPublisher failing = new TransitionPublisher(manual, "rf.transitions");
        Actor doomed =
                new Actor(
                        0,
                        new EpisodeIds("host", 0, "nonce"),
                        envs,
                        holder,
                        router,
                        new EpsilonGreedy(EpsilonSchedule.constant(0.0), new SplittableRandom(2)),
                        failing,
                        InstantSource.system(),
                        metrics,
                        ActingListener.NONE);
        envs.reset();
        doomed.step();
        manual.errorNext(new IllegalStateException("broker gone"));

        assertThatThrownBy(doomed::step)
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("a transition could not be delivered to rf.transitions")
                .hasMessageContaining("broker gone")
                .hasMessageContaining("stopping rather than dropping records");
    }
}
