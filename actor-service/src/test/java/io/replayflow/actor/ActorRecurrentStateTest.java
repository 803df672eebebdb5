package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.env.VectorEnv;
import io.replayflow.actor.metrics.ActorMetrics;
import io.replayflow.actor.policy.EpsilonGreedy;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.actor.policy.RandomPolicy;
import io.replayflow.actor.publish.TransitionPublisher;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.policy.Policy;
import io.replayflow.policy.assign.CanarySplit;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.assign.PolicyRouter.Routing;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.policy.testing.LstmPolicy;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vectorised actors with a real recurrent SavedModel ({@link LstmPolicy}): one state per slot,
 * zeros at every episode's first step (auto-resets included), and a swap that applies from each
 * slot's next episode. Every logged behaviour probability is recomputed by running the same LSTM in
 * plain Java over the episode's logged observations from a zero state.
 */
@Timeout(120)
class ActorRecurrentStateTest {
    private static final int ENVS = 6;
    private static final int UNITS = 6;
    private static final LstmPolicy V1 = LstmPolicy.random(2, UNITS, 2, 3.0, 11);
    private static final LstmPolicy V2 = LstmPolicy.random(2, UNITS, 2, 3.0, 12);

    @TempDir Path tmp;

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final TransitionPublisher publisher =
            new TransitionPublisher(producer, "rf.transitions");
    private final VectorEnv envs = VectorEnv.create(CartPole::masked, ENVS, 5);
    private final PolicyHolder holder =
            new PolicyHolder(PolicyRef.of(new RandomPolicy(2, 2, new SplittableRandom(1))));
    private final PolicyRouter router = new PolicyRouter();
    private final Map<Long, Path> written = new HashMap<>();
    private final Actor actor =
            new Actor(
                    0,
                    new EpisodeIds("host", 0, "nonce"),
                    envs,
                    holder,
                    router,
                    new EpsilonGreedy(EpsilonSchedule.constant(0.1), new SplittableRandom(2)),
                    publisher,
                    InstantSource.fixed(Instant.ofEpochMilli(1)),
                    new ActorMetrics(
                            () -> 0,
                            publisher::blockedSends,
                            publisher::blockedNanos,
                            publisher::acked),
                    (index, version, nanos) -> {});

    private Policy load(LstmPolicy lstm, long version) throws Exception {
        Path dir = written.get(version);
        if (dir == null) {
            dir = tmp.resolve("lstm/" + version);
            lstm.write(dir, "lstm", version);
            written.put(version, dir);
        }
        return PolicyLoader.tensorFlow(EnvPolicySpec.of(CartPole.MASKED_SPEC), new float[2], ENVS)
                .loadDirectory(dir);
    }

    @Test
    void eachEpisodeStartsFromZerosAndKeepsItsVersionAcrossSwaps() throws Exception {
        envs.reset();
        step(15); // version 0 (uniform random, feed-forward)
        int beforeV1 = producer.history().size();
        offer(load(V1, 1));
        step(120);
        int beforeV2 = producer.history().size();
        offer(load(V2, 2));
        step(120);

        Map<String, List<Transition>> episodes = episodes();
        Map<Long, LstmPolicy> networks = Map.of(1L, V1, 2L, V2);
        int recurrentEpisodes = 0;
        int laterEpisodesWhereStateMatters = 0;
        boolean sawV0FinishAfterV1 = false;
        boolean sawV1FinishAfterV2 = false;
        for (List<Transition> episode : episodes.values()) {
            long version = episode.get(0).getPolicyVersion();
            int startIndex = (int) episode.get(0).getEventTimeMs(); // see episodes()
            for (int t = 0; t < episode.size(); t++) {
                assertThat(episode.get(t).getStep()).as("no step dropped").isEqualTo(t);
                assertThat(episode.get(t).getPolicyVersion())
                        .as("one version per episode %s", episode.get(0).getEpisodeId())
                        .isEqualTo(version);
            }
            long lastIndex = episode.get(episode.size() - 1).getEventTimeMs();
            if (startIndex >= beforeV2) {
                assertThat(version)
                        .as("episodes starting after v2's offer act with v2")
                        .isEqualTo(2);
            } else if (startIndex >= beforeV1) {
                assertThat(version).isEqualTo(1);
            } else {
                assertThat(version).isZero();
            }
            sawV0FinishAfterV1 |= version == 0 && lastIndex >= beforeV1;
            sawV1FinishAfterV2 |= version == 1 && lastIndex >= beforeV2;
            if (version == 0) {
                continue;
            }
            recurrentEpisodes++;
            LstmPolicy lstm = networks.get(version);
            double[] state = new double[2 * UNITS];
            for (Transition tr : episode) {
                float[] obs = toArray(tr.getObs());
                double[] logits = lstm.step(obs, state, state);
                // the policy is stochastic: ε does not apply, π(a | s, state) is logged as is
                assertThat((double) tr.getBehaviorProb())
                        .as("%s step %d", tr.getEpisodeId(), tr.getStep())
                        .isCloseTo(LstmPolicy.probability(logits, tr.getAction()), within(1e-5));
            }
            if (!episode.get(0).getEpisodeId().endsWith("-0")) {
                laterEpisodesWhereStateMatters += stateCarriedOverWouldDiffer(lstm, episode);
            }
        }
        assertThat(sawV0FinishAfterV1).as("a feed-forward episode finished after v1 came").isTrue();
        assertThat(sawV1FinishAfterV2).as("a v1 episode finished after v2 came").isTrue();
        assertThat(recurrentEpisodes).isGreaterThan(20);
        assertThat(laterEpisodesWhereStateMatters)
                .as("auto-reset episodes whose first step would differ without the reset")
                .isPositive();
    }

    @Test
    void underAnAssignmentEachEpisodeKeepsItsRoutedRecurrentVersionAndState() throws Exception {
        envs.reset();
        offer(load(V1, 1));
        step(30);
        int beforeAssignment = producer.history().size();
        PolicyRef champion = PolicyRef.of(load(V1, 1));
        PolicyRef canary = PolicyRef.of(load(V2, 2));
        router.install(new Routing(champion, canary, 0.5, 1));
        champion.release(); // the router and the episodes hold them now
        canary.release();
        step(150);

        Map<Long, LstmPolicy> networks = Map.of(1L, V1, 2L, V2);
        Map<Long, Integer> routedEpisodes = new HashMap<>();
        for (List<Transition> episode : episodes().values()) {
            long version = episode.get(0).getPolicyVersion();
            if (episode.get(0).getEventTimeMs() >= beforeAssignment) {
                assertThat(version)
                        .as("the version %s hashes to", episode.get(0).getEpisodeId())
                        .isEqualTo(
                                CanarySplit.toCanary(episode.get(0).getEpisodeId(), 0.5) ? 2 : 1);
                routedEpisodes.merge(version, 1, Integer::sum);
            }
            double[] state = new double[2 * UNITS];
            for (int t = 0; t < episode.size(); t++) {
                Transition tr = episode.get(t);
                assertThat(tr.getStep()).isEqualTo(t);
                assertThat(tr.getPolicyVersion()).isEqualTo(version);
                double[] logits = networks.get(version).step(toArray(tr.getObs()), state, state);
                assertThat((double) tr.getBehaviorProb())
                        .as("%s step %d", tr.getEpisodeId(), t)
                        .isCloseTo(LstmPolicy.probability(logits, tr.getAction()), within(1e-5));
            }
        }
        assertThat(routedEpisodes.keySet()).containsExactlyInAnyOrder(1L, 2L);
        router.close();
    }

    /** 1 when the episode's first action probability would differ with a non-zero state. */
    private static int stateCarriedOverWouldDiffer(LstmPolicy lstm, List<Transition> episode) {
        Transition first = episode.get(0);
        float[] obs = toArray(first.getObs());
        double[] zero = new double[2 * UNITS];
        double[] carried = new double[2 * UNITS];
        lstm.step(obs, carried, carried); // any state a previous step would leave
        double fresh = LstmPolicy.probability(lstm.step(obs, zero, new double[2 * UNITS]), 0);
        double stale = LstmPolicy.probability(lstm.step(obs, carried, carried), 0);
        return Math.abs(fresh - stale) > 0.01 ? 1 : 0;
    }

    private void offer(Policy policy) {
        PolicyRef ref = PolicyRef.of(policy);
        assertThat(holder.offer(ref)).isTrue();
        ref.release();
    }

    private void step(int vectorSteps) {
        for (int i = 0; i < vectorSteps; i++) {
            actor.step();
        }
    }

    /** Episodes by id, steps sorted; each transition's event time replaced by its publish index. */
    private Map<String, List<Transition>> episodes() throws Exception {
        SingleObjectSerde<Transition> serde = SingleObjectSerde.forClass(Transition.class);
        Map<String, List<Transition>> out = new LinkedHashMap<>();
        List<ProducerRecord<byte[], byte[]>> history = producer.history();
        for (int i = 0; i < history.size(); i++) {
            Transition t = serde.decode(history.get(i).value());
            t.setEventTimeMs(i);
            out.computeIfAbsent(t.getEpisodeId(), k -> new ArrayList<>()).add(t);
        }
        out.values().forEach(e -> e.sort(Comparator.comparingLong(Transition::getStep)));
        return out;
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
