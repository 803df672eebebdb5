package io.replayflow.trainer.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.replay.segment.SegmentSource;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.metrics.EventFileReader;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.metrics.TrainerPrometheus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner driven from a segment source: off-policy learning from a lagging behaviour policy,
 * and the lag and importance-ratio metrics reaching Prometheus and TensorBoard.
 */
@Timeout(120)
class PolicyGradientLoopTest {

    @TempDir Path tensorboard;

    /**
     * One-step segments of a two-armed bandit with a constant observation: arm 1 pays 1, arm 0 pays
     * 0; a uniform behaviour policy (mu = 0.5, version 2, acted 4 s before the learner's clock)
     * picks the arm. An in-memory stand-in for the replay-store's segment dataset.
     */
    private static final class BanditSegments implements SegmentSource {
        private final SplittableRandom random = new SplittableRandom(5);
        private long served;

        @Override
        public Optional<SegmentBatch> next(int batchSize) {
            SegmentBatch b = SegmentBatch.allocate(batchSize, 1, 1);
            for (int i = 0; i < batchSize; i++) {
                int arm = random.nextInt(2);
                b.obs()[i] = 1f;
                b.actions()[i] = arm;
                b.rewards()[i] = arm;
                b.behaviorProbs()[i] = 0.5f;
                b.policyVersions()[i] = 2;
                b.eventTimeMs()[i] = 6_000;
                b.terminated()[i] = 1f;
                b.valid()[i] = 1f;
                b.bootstrapObs()[i] = 1f;
            }
            served += batchSize;
            return Optional.of(b);
        }

        @Override
        public long segmentsServed() {
            return served;
        }

        @Override
        public void close() {}
    }

    @Test
    void impalaLearnsTheBetterArmFromAUniformBehaviourAndReportsLagAndRatios() throws Exception {
        SegmentConfig config =
                SegmentConfig.fromMap(
                        Map.of(
                                "trainer.algo", "impala",
                                "trainer.actor-critic.hidden", "8",
                                "trainer.batch-size", "32",
                                "trainer.lr", "0.01",
                                "trainer.metrics.period", "10",
                                "trainer.threads.inter-op", "-1",
                                "trainer.threads.intra-op", "1"));
        TrainerPrometheus prometheus = new TrainerPrometheus(Map.of("algo", "impala"));
        PrometheusRegistry registry = new PrometheusRegistry();
        prometheus.register(registry);
        PgStepMetrics first;
        PgStepMetrics last = null;
        try (PolicyGradientLearner learner =
                        PolicyGradientLearner.create(config, TransitionSpec.vector(1, 2));
                EventFileWriter events = new EventFileWriter(tensorboard)) {
            PolicyGradientLoop loop =
                    new PolicyGradientLoop(
                            learner,
                            new BanditSegments(),
                            prometheus,
                            events,
                            () -> 5L,
                            InstantSource.fixed(Instant.ofEpochMilli(10_000)));
            first = loop.poll().orElseThrow();
            for (int i = 1; i < 200; i++) {
                last = loop.poll().orElseThrow();
            }
            events.flush();
            // pi(arm 1) rises towards 1; its ratio against mu = 0.5 towards 2
            assertThat(last.stats().maxRatio()).isGreaterThan(1.8);
            assertThat(last.entropy()).isLessThan(first.entropy());
            assertThat(last.step()).isEqualTo(200);
            assertThat(EventFileReader.scalars(events.file()))
                    .filteredOn(s -> s.tag().equals(TrainerMetrics.POLICY_LAG_SECONDS))
                    .hasSize(20)
                    .allSatisfy(s -> assertThat(s.value()).isEqualTo(4f));
        }
        assertThat(first.stats().meanRatio()).isBetween(0.9, 1.1); // a fresh policy is ~uniform
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("replayflow_trainer_policy_lag_versions{algo=\"impala\"} 3.0")
                .contains("replayflow_trainer_policy_lag_seconds{algo=\"impala\"} 4.0")
                .contains("replayflow_trainer_importance_ratio_max{algo=\"impala\"} ")
                .contains("replayflow_trainer_steps_total{algo=\"impala\"} 200.0")
                .contains("replayflow_trainer_samples_total{algo=\"impala\"} 6400.0");
    }

    @TempDir Path checkpointDir;

    /**
     * A checkpoint carries weights, Adam slots, the step and the samples count: a learner restored
     * from it takes the same next step as the learner that wrote it (same loss, same weights
     * after), and a learner of another network refuses it naming both.
     */
    @Test
    void aCheckpointResumesTheSameRunAndRefusesAnotherNetwork() throws Exception {
        Map<String, String> settings =
                Map.of(
                        "trainer.algo", "a2c",
                        "trainer.actor-critic.hidden", "8",
                        "trainer.batch-size", "16",
                        "trainer.lr", "0.01",
                        "trainer.threads.inter-op", "-1",
                        "trainer.threads.intra-op", "1");
        SegmentConfig config = SegmentConfig.fromMap(settings);
        io.replayflow.trainer.checkpoint.CheckpointStore store =
                new io.replayflow.trainer.checkpoint.CheckpointStore(checkpointDir, 2);
        BanditSegments data = new BanditSegments();
        SegmentBatch next;
        PgStepMetrics expected;
        java.util.List<float[]> expectedWeights;
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(config, TransitionSpec.vector(1, 2))) {
            for (int i = 0; i < 30; i++) {
                learner.step(data.next(16).orElseThrow(), 0, 0);
            }
            learner.saveCheckpoint(store);
            next = data.next(16).orElseThrow();
            expected = learner.step(next, 0, 0);
            expectedWeights = learner.weights();
        }
        try (PolicyGradientLearner resumed =
                PolicyGradientLearner.create(config, TransitionSpec.vector(1, 2))) {
            assertThat(resumed.restoreLatest(store)).isPresent();
            assertThat(resumed.globalStep()).isEqualTo(30);
            assertThat(resumed.samplesSeen()).isEqualTo(30 * 16);
            PgStepMetrics again = resumed.step(next, 0, 0);
            assertThat(again.step()).isEqualTo(31);
            assertThat(again.totalLoss()).isEqualTo(expected.totalLoss());
            java.util.List<float[]> weights = resumed.weights();
            for (int i = 0; i < weights.size(); i++) {
                assertThat(weights.get(i)).containsExactly(expectedWeights.get(i));
            }
        }
        Map<String, String> wider = new java.util.HashMap<>(settings);
        wider.put("trainer.actor-critic.hidden", "16");
        try (PolicyGradientLearner other =
                PolicyGradientLearner.create(
                        SegmentConfig.fromMap(wider), TransitionSpec.vector(1, 2))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.restoreLatest(store))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("network=actor-critic mlp[8]")
                    .hasMessageContaining("network=actor-critic mlp[16]")
                    .hasMessageContaining("or a fresh checkpoint directory");
        }
    }
}
