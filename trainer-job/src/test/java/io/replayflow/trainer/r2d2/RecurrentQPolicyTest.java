package io.replayflow.trainer.r2d2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.savedmodel.SavedModelPolicy;
import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.pg.LstmReference;
import io.replayflow.trainer.pg.PgStepMetrics;
import io.replayflow.trainer.pg.SegmentConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * R2D2's recurrent Q-network with real TensorFlow: the exported SavedModel against a plain-Java run
 * of the same cell, the loaded policy acting through {@code policy-runtime} with state, the TD loss
 * of a step against a step-by-step computation, and the algorithm contract (two steps, export,
 * reload, same actions as the training graph).
 */
@Timeout(120)
class RecurrentQPolicyTest {

    private static final int OBS = 3, ACTIONS = 2, UNITS = 5, T = 4;
    private static final int[] HIDDEN = {8};
    private static final TransitionSpec SPEC = TransitionSpec.vector(OBS, ACTIONS);
    private static final PolicyManifest.Lineage LINEAGE =
            new PolicyManifest.Lineage(List.of("test"), null, null, 0, List.of());

    @TempDir Path root;

    static SegmentConfig config(int burnIn, Map<String, String> more) {
        Map<String, String> m = new HashMap<>();
        m.put("trainer.algo", "r2d2");
        m.put("trainer.pg.network", "lstm");
        m.put("trainer.pg.lstm-units", String.valueOf(UNITS));
        m.put("trainer.pg.burn-in", String.valueOf(burnIn));
        m.put("trainer.hidden", "8");
        m.put("trainer.seed", "5");
        m.put("trainer.lr", "0.01");
        m.putAll(more);
        return SegmentConfig.fromMap(m);
    }

    private static float[] episode(int steps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] obs = new float[steps * OBS];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextDouble(-2, 2);
        }
        return obs;
    }

    /** One segment of episode {@code key}: steps {@code [first, first + T)}, random actions. */
    private static SegmentBatch segment(String key, long first, float[] obs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        SegmentBatch b = SegmentBatch.allocate(1, T, OBS);
        System.arraycopy(obs, (int) first * OBS, b.obs(), 0, T * OBS);
        Arrays.fill(b.valid(), 1f);
        Arrays.fill(b.behaviorProbs(), 0.5f);
        for (int t = 0; t < T; t++) {
            b.actions()[t] = rng.nextInt(ACTIONS);
            b.rewards()[t] = 1f;
        }
        System.arraycopy(obs, (int) (first + T) * OBS, b.bootstrapObs(), 0, OBS);
        b.bootstrapAlive()[0] = 1f;
        b.episodeKeys()[0] = key;
        b.firstSteps()[0] = first;
        return b;
    }

    private PolicyArtifact export(RecurrentQLearner learner) throws Exception {
        return new PolicyExporter(root, InstantSource.fixed(Instant.EPOCH))
                .export(learner.snapshot("r2d2", LINEAGE), 0);
    }

    private static TFloat32 row(float[] data, int width) {
        return TFloat32.tensorOf(Shape.of(1, width), DataBuffers.of(data, true, false));
    }

    @Test
    void exportedStateOutputsAndQValuesEqualAStepByStepRunOfTheCellInJava() throws Exception {
        float[] obs = episode(12, 1);
        try (RecurrentQLearner learner = RecurrentQLearner.create(config(6, Map.of()), SPEC, T)) {
            learner.step(segment("e", 0, obs, 1), 0, 0); // trained weights, not the initial ones
            PolicyArtifact artifact = export(learner);
            PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
            assertThat(manifest.formatVersion()).isEqualTo(3);
            assertThat(manifest.recurrent()).isEqualTo(PolicyManifest.Recurrent.lstm(UNITS));
            assertThat(manifest.stochastic()).isFalse();
            assertThat(manifest.algo()).isEqualTo("r2d2");
            assertThat(manifest.config())
                    .containsEntry("trainer.hidden", "8")
                    .containsEntry("trainer.pg.lstm-units", "5")
                    .doesNotContainKey("trainer.actor-critic.hidden"); // not read by r2d2
            manifest.verify(artifact.dir(), null);

            LstmReference ref =
                    LstmReference.qNetwork(learner.weights(), OBS, HIDDEN, UNITS, ACTIONS);
            double[] h = new double[UNITS], c = new double[UNITS];
            float[] fh = new float[UNITS], fc = new float[UNITS], q = new float[ACTIONS];
            long[] action = new long[1];
            try (SavedModelBundle model = SavedModelBundle.load(artifact.dir().toString())) {
                Session s = model.session();
                for (int t = 0; t < 8; t++) { // the state fed back from each step to the next
                    float[] o = Arrays.copyOfRange(obs, t * OBS, (t + 1) * OBS);
                    double[] expected = ref.step(o, h, c);
                    try (TFloat32 to = row(o, OBS);
                            TFloat32 th = row(fh, UNITS);
                            TFloat32 tc = row(fc, UNITS);
                            Result r =
                                    s.runner()
                                            .feed("obs", to)
                                            .feed("state_h", th)
                                            .feed("state_c", tc)
                                            .fetch("next_state_h")
                                            .fetch("next_state_c")
                                            .fetch("q_values")
                                            .fetch("action")
                                            .run()) {
                        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(fh);
                        ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(fc);
                        ((TFloat32) r.get(2)).asRawTensor().data().asFloats().read(q);
                        action[0] = ((TInt64) r.get(3)).getLong(0);
                    }
                    for (int k = 0; k < UNITS; k++) {
                        assertThat((double) fh[k]).isCloseTo(h[k], within(1e-5));
                        assertThat((double) fc[k]).isCloseTo(c[k], within(1e-5));
                    }
                    for (int a = 0; a < ACTIONS; a++) {
                        assertThat((double) q[a]).isCloseTo(expected[a], within(1e-5));
                    }
                    assertThat(action[0]).isEqualTo(expected[1] > expected[0] ? 1L : 0L);
                }
                assertThat(Math.abs(h[0]) + Math.abs(c[0])).isPositive(); // not a zero state
            }
        }
    }

    @Test
    void theLoadedPolicyActsThroughPolicyRuntimeWithAStatePerRow() throws Exception {
        float[] obs = episode(12, 2);
        try (RecurrentQLearner learner = RecurrentQLearner.create(config(0, Map.of()), SPEC, T)) {
            learner.step(segment("e", 0, obs, 2), 0, 0);
            PolicyArtifact artifact = export(learner);
            PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
            LstmReference ref =
                    LstmReference.qNetwork(learner.weights(), OBS, HIDDEN, UNITS, ACTIONS);
            try (SavedModelPolicy policy =
                    SavedModelPolicy.open(artifact.dir(), manifest, manifest.version())) {
                assertThat(policy.stateSize()).isEqualTo(2 * UNITS);
                assertThat(policy.deterministic()).isTrue(); // actors explore ε-greedy around it
                assertThat(policy.hasQValues()).isFalse(); // Q-values need the state
                // two rows: row 0 walks the episode from step 0, row 1 from step 4
                float[] state = new float[2 * policy.stateSize()];
                double[][] h = new double[2][UNITS], c = new double[2][UNITS];
                int[] actions = new int[2];
                float[] probs = new float[2];
                for (int t = 0; t < 4; t++) {
                    float[] in = new float[2 * OBS];
                    System.arraycopy(obs, t * OBS, in, 0, OBS);
                    System.arraycopy(obs, (t + 4) * OBS, in, OBS, OBS);
                    policy.act(in, state, 2, actions, probs, state);
                    for (int r = 0; r < 2; r++) {
                        double[] q =
                                ref.step(
                                        Arrays.copyOfRange(in, r * OBS, (r + 1) * OBS), h[r], c[r]);
                        assertThat(actions[r]).isEqualTo(q[1] > q[0] ? 1 : 0);
                        assertThat(probs[r]).isEqualTo(1f);
                        for (int k = 0; k < UNITS; k++) {
                            assertThat((double) state[r * 2 * UNITS + k])
                                    .isCloseTo(h[r][k], within(1e-5));
                            assertThat((double) state[r * 2 * UNITS + UNITS + k])
                                    .isCloseTo(c[r][k], within(1e-5));
                        }
                    }
                }
                assertThatThrownBy(() -> policy.act(obs, 1, actions, probs))
                        .hasMessageContaining("recurrent");
            }
        }
    }

    @Test
    void theTdLossOfAStepEqualsAStepByStepComputation() {
        float[] obs = episode(12, 3);
        // two segments: one full, one of 2 valid steps that terminated; burn-in 0, zero start
        SegmentBatch b = SegmentBatch.allocate(2, T, OBS);
        SegmentBatch first = segment("e", 0, obs, 3);
        SegmentBatch second = segment("f", 4, obs, 4);
        System.arraycopy(first.obs(), 0, b.obs(), 0, T * OBS);
        System.arraycopy(second.obs(), 0, b.obs(), T * OBS, 2 * OBS);
        for (int t = 0; t < T; t++) {
            b.actions()[t] = first.actions()[t];
            b.rewards()[t] = 0.5f * t;
            b.valid()[t] = 1f;
            b.behaviorProbs()[t] = 0.5f;
        }
        for (int t = 0; t < 2; t++) {
            b.actions()[T + t] = second.actions()[t];
            b.rewards()[T + t] = 2f;
            b.valid()[T + t] = 1f;
            b.behaviorProbs()[T + t] = 0.5f;
        }
        b.terminated()[T + 1] = 1f;
        System.arraycopy(first.bootstrapObs(), 0, b.bootstrapObs(), 0, OBS);
        b.bootstrapAlive()[0] = 1f;
        double gamma = 0.9;
        try (RecurrentQLearner learner =
                RecurrentQLearner.create(
                        config(0, Map.of("trainer.gamma", "0.9", "trainer.huber.delta", "1.0")),
                        SPEC,
                        T)) {
            // target = online at the start, so both give the same Q: y uses one network
            LstmReference ref =
                    LstmReference.qNetwork(learner.weights(), OBS, HIDDEN, UNITS, ACTIONS);
            double sum = 0;
            int n = 0;
            for (int seg = 0; seg < 2; seg++) {
                int valid = seg == 0 ? T : 2;
                double[] h = new double[UNITS], c = new double[UNITS];
                double[][] q = new double[valid + 1][];
                for (int t = 0; t < valid; t++) {
                    int i = seg * T + t;
                    q[t] = ref.step(Arrays.copyOfRange(b.obs(), i * OBS, (i + 1) * OBS), h, c);
                }
                q[valid] = seg == 0 ? ref.step(first.bootstrapObs(), h, c) : null;
                for (int t = 0; t < valid; t++) {
                    int i = seg * T + t;
                    boolean last = t == valid - 1;
                    double next = last && seg == 1 ? 0 : Math.max(q[t + 1][0], q[t + 1][1]);
                    double y = b.rewards()[i] + gamma * next;
                    double delta = Math.abs(y - q[t][b.actions()[i]]);
                    sum += delta <= 1 ? 0.5 * delta * delta : delta - 0.5;
                    n++;
                }
            }
            PgStepMetrics m = learner.step(b, 0, 0);
            assertThat((double) m.totalLoss()).isCloseTo(sum / n, within(1e-5));
            assertThat(m.stats().steps()).isEqualTo(6);
            assertThat(m.policyLoss()).isNaN();
        }
    }

    @Test
    void trainsTwoStepsExportsAndReloadsToTheSameActionsAsTheTrainingGraph() throws Exception {
        float[] obs = episode(24, 5);
        try (RecurrentQLearner learner =
                RecurrentQLearner.create(
                        config(4, Map.of("trainer.target.update-period", "1")), SPEC, T)) {
            List<float[]> before = learner.weights();
            learner.step(segment("e", 0, obs, 5), 0, 0);
            learner.step(segment("e", 4, obs, 6), 0, 0);
            assertThat(learner.globalStep()).isEqualTo(2);
            List<float[]> after = learner.weights();
            for (int v = 0; v < before.size(); v++) { // every variable, the cell's included
                assertThat(after.get(v)).as("variable %d", v).isNotEqualTo(before.get(v));
                assertThat(learner.targetWeights().get(v)).isEqualTo(after.get(v)); // period 1
            }
            PolicyArtifact artifact = export(learner);
            PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
            SegmentBatch probe = segment("g", 8, obs, 7);
            float[] q = learner.qOnline(probe);
            try (SavedModelPolicy policy =
                    SavedModelPolicy.open(artifact.dir(), manifest, manifest.version())) {
                float[] state = new float[policy.stateSize()];
                int[] action = new int[1];
                float[] prob = new float[1];
                for (int t = 0; t < T; t++) {
                    policy.act(
                            Arrays.copyOfRange(probe.obs(), t * OBS, (t + 1) * OBS),
                            state,
                            1,
                            action,
                            prob,
                            state);
                    int best = q[t * ACTIONS + 1] > q[t * ACTIONS] ? 1 : 0;
                    assertThat(action[0]).as("step %d", t).isEqualTo(best);
                }
            }
        }
    }

    @Test
    void theTargetNetworkFollowsOnlyEveryUpdatePeriodAndACheckpointRestoresBoth() throws Exception {
        float[] obs = episode(24, 6);
        CheckpointStore store = new CheckpointStore(root.resolve("ckpt"), 2);
        SegmentConfig config = config(4, Map.of("trainer.target.update-period", "2"));
        List<float[]> online;
        try (RecurrentQLearner learner = RecurrentQLearner.create(config, SPEC, T)) {
            List<float[]> initial = learner.weights();
            learner.step(segment("e", 0, obs, 8), 0, 0);
            assertThat(learner.targetWeights().get(0)).isEqualTo(initial.get(0)); // not yet
            learner.step(segment("e", 4, obs, 9), 0, 0);
            online = learner.weights();
            assertThat(learner.targetWeights().get(0)).isEqualTo(online.get(0)); // step 2
            learner.saveCheckpoint(store);
        }
        try (RecurrentQLearner resumed = RecurrentQLearner.create(config, SPEC, T)) {
            assertThat(resumed.restoreLatest(store)).isPresent();
            assertThat(resumed.globalStep()).isEqualTo(2);
            for (int v = 0; v < online.size(); v++) {
                assertThat(resumed.weights().get(v)).isEqualTo(online.get(v));
                assertThat(resumed.targetWeights().get(v)).isEqualTo(online.get(v));
            }
        }
        try (RecurrentQLearner other =
                RecurrentQLearner.create(
                        config(4, Map.of("trainer.pg.lstm-units", "3")), SPEC, T)) {
            assertThatThrownBy(() -> other.restoreLatest(store))
                    .hasMessageContaining("lstm(5)")
                    .hasMessageContaining("fresh checkpoint directory");
        }
    }

    @Test
    void refusesAFeedForwardCoreAndSegmentsOfAnotherLength() {
        assertThatThrownBy(() -> config(0, Map.of("trainer.pg.network", "mlp")))
                .hasMessageContaining("trainer.algo=r2d2 trains a recurrent Q-network")
                .hasMessageContaining("trainer.pg.network=lstm");
        try (RecurrentQLearner learner = RecurrentQLearner.create(config(0, Map.of()), SPEC, T)) {
            assertThatThrownBy(() -> learner.step(SegmentBatch.allocate(1, T + 1, OBS), 0, 0))
                    .hasMessageContaining("unrolled over 4")
                    .hasMessageContaining("replay.segment.length");
        }
    }
}
