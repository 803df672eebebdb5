package io.replayflow.trainer.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
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

/**
 * The LSTM actor-critic with real TensorFlow: the exported SavedModel's serving signature against a
 * plain-Java run of the same cell, and the learner's burn-in against the state the exported model
 * reaches step by step with the same weights.
 */
@Timeout(120)
class RecurrentPolicyTest {

    private static final int OBS = 3, ACTIONS = 2, UNITS = 5, T = 4, BURN_IN = 6;
    private static final int[] HIDDEN = {8};
    private static final TransitionSpec SPEC = TransitionSpec.vector(OBS, ACTIONS);
    private static final PolicyManifest.Lineage LINEAGE =
            new PolicyManifest.Lineage(List.of("test"), null, null, 0, List.of());

    @TempDir Path root;

    private static SegmentConfig config(String algo, int burnIn) {
        Map<String, String> m = new HashMap<>();
        m.put("trainer.algo", algo);
        m.put("trainer.pg.network", "lstm");
        m.put("trainer.pg.lstm-units", String.valueOf(UNITS));
        m.put("trainer.pg.burn-in", String.valueOf(burnIn));
        m.put("trainer.actor-critic.hidden", "8");
        m.put("trainer.seed", "5");
        return SegmentConfig.fromMap(m);
    }

    /** {@code steps} random observations of one episode, row-major. */
    private static float[] episode(int steps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] obs = new float[steps * OBS];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextDouble(-2, 2);
        }
        return obs;
    }

    /** One segment of episode {@code key}: steps {@code [first, first + T)} of {@code obs}. */
    private static SegmentBatch segment(String key, long first, float[] obs) {
        SegmentBatch b = SegmentBatch.allocate(1, T, OBS);
        System.arraycopy(obs, (int) first * OBS, b.obs(), 0, T * OBS);
        Arrays.fill(b.valid(), 1f);
        Arrays.fill(b.behaviorProbs(), 0.5f);
        System.arraycopy(obs, (int) (first + T) * OBS, b.bootstrapObs(), 0, OBS);
        b.bootstrapAlive()[0] = 1f;
        b.episodeKeys()[0] = key;
        b.firstSteps()[0] = first;
        return b;
    }

    private PolicyArtifact export(PolicyGradientLearner learner) throws Exception {
        return new PolicyExporter(root, InstantSource.fixed(Instant.EPOCH))
                .export(learner.snapshot("lstm", LINEAGE), 0);
    }

    /** Runs the exported model over {@code steps} rows of {@code obs} from {@code h, c}. */
    private static float[][] runExported(
            SavedModelBundle model, float[] obs, int from, int steps, float[][] hc) {
        Session s = model.session();
        float[] h = hc[0].clone(), c = hc[1].clone();
        float[] out = new float[ACTIONS];
        for (int t = from; t < from + steps; t++) {
            try (TFloat32 o = row(Arrays.copyOfRange(obs, t * OBS, (t + 1) * OBS), OBS);
                    TFloat32 th = row(h, UNITS);
                    TFloat32 tc = row(c, UNITS);
                    Result r =
                            s.runner()
                                    .feed("state_h", th)
                                    .feed("state_c", tc)
                                    .feed("obs", o)
                                    .fetch("next_state_h")
                                    .fetch("next_state_c")
                                    .fetch("logits")
                                    .run()) {
                ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(h);
                ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(c);
                ((TFloat32) r.get(2)).asRawTensor().data().asFloats().read(out);
            }
        }
        return new float[][] {h, c, out};
    }

    private static TFloat32 row(float[] data, int width) {
        return TFloat32.tensorOf(Shape.of(1, width), DataBuffers.of(data, true, false));
    }

    @Test
    void exportedStateOutputsEqualAStepByStepRunOfTheCellInJava() throws Exception {
        float[] obs = episode(12, 1);
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(config("impala", BURN_IN), SPEC, T)) {
            // one gradient step first, so the weights are trained ones, not the initial ones
            learner.step(segment("e", 0, obs), 0, 0);
            PolicyArtifact artifact = export(learner);
            PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
            assertThat(manifest.formatVersion()).isEqualTo(3);
            assertThat(manifest.recurrent()).isEqualTo(PolicyManifest.Recurrent.lstm(UNITS));
            assertThat(manifest.stochastic()).isTrue();
            manifest.verify(artifact.dir(), null);

            LstmReference ref = new LstmReference(learner.weights(), OBS, HIDDEN, UNITS, ACTIONS);
            double[] h = new double[UNITS], c = new double[UNITS];
            float[][] hc = {new float[UNITS], new float[UNITS]};
            try (SavedModelBundle model = SavedModelBundle.load(artifact.dir().toString())) {
                for (int t = 0; t < 8; t++) { // the state fed back from each step to the next
                    double[] expected =
                            ref.step(Arrays.copyOfRange(obs, t * OBS, (t + 1) * OBS), h, c);
                    hc = runExported(model, obs, t, 1, hc);
                    for (int k = 0; k < UNITS; k++) {
                        assertThat((double) hc[0][k]).isCloseTo(h[k], within(1e-5));
                        assertThat((double) hc[1][k]).isCloseTo(c[k], within(1e-5));
                    }
                    for (int a = 0; a < ACTIONS; a++) {
                        assertThat((double) hc[2][a]).isCloseTo(expected[a], within(1e-5));
                    }
                }
                assertThat(Math.abs(h[0]) + Math.abs(c[0])).isPositive(); // not a zero state
            }
        }
    }

    @Test
    void burnInRecomputesTheStateTheExportedModelReachedWithTheSameWeights() throws Exception {
        float[] obs = episode(16, 2);
        float[][] zero = {new float[UNITS], new float[UNITS]};
        try (PolicyGradientLearner learner =
                        PolicyGradientLearner.create(config("a2c", BURN_IN), SPEC, T);
                SavedModelBundle model = SavedModelBundle.load(export(learner).dir().toString())) {
            // step 0 of the episode: exactly the zero state
            float[][] s0 = learner.initialState(segment("e", 0, obs));
            assertThat(s0[0]).containsOnly(0f);
            // step 4: its prefix (steps 0-3) reaches the episode's start, so the state is exact
            float[][] s4 = learner.initialState(segment("e", 4, obs));
            float[][] actor4 = runExported(model, obs, 0, 4, zero);
            assertClose(s4, actor4);
            // step 8: the prefix is the last 6 steps (2-7), R2D2's zero state 6 steps back
            float[][] s8 = learner.initialState(segment("e", 8, obs));
            assertClose(s8, runExported(model, obs, 2, 6, zero));
            assertThat(s8[0]).isNotEqualTo(runExported(model, obs, 0, 8, zero)[0]);
            assertThat(learner.zeroStateSegments()).isZero();
            // an episode of which nothing before step 4 was served: zero state, counted
            assertThat(learner.initialState(segment("other", 4, obs))[1]).containsOnly(0f);
            assertThat(learner.zeroStateSegments()).isEqualTo(1);
        }
    }

    private static void assertClose(float[][] learner, float[][] actor) {
        for (int k = 0; k < UNITS; k++) {
            assertThat(learner[0][k]).isCloseTo(actor[0][k], within(1e-5f));
            assertThat(learner[1][k]).isCloseTo(actor[1][k], within(1e-5f));
        }
        assertThat(learner[0]).isNotEqualTo(new float[UNITS]);
    }

    @Test
    void aGradientStepMovesTheLstmWeightsAndACheckpointRestoresThem() throws Exception {
        float[] obs = episode(12, 3);
        CheckpointStore store = new CheckpointStore(root.resolve("ckpt"), 2);
        List<float[]> trained;
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(config("impala", BURN_IN), SPEC, T)) {
            List<float[]> before = learner.weights();
            SegmentBatch b = segment("e", 0, obs);
            b.rewards()[T - 1] = 1f;
            learner.step(b, 0, 0);
            learner.step(segment("e", 4, obs), 0, 0);
            trained = learner.weights();
            for (int v = 0; v < before.size(); v++) { // every variable, the cell's included
                assertThat(trained.get(v)).as("variable %d", v).isNotEqualTo(before.get(v));
            }
            learner.saveCheckpoint(store);
        }
        try (PolicyGradientLearner resumed =
                PolicyGradientLearner.create(config("impala", BURN_IN), SPEC, T)) {
            assertThat(resumed.restoreLatest(store)).isPresent();
            assertThat(resumed.globalStep()).isEqualTo(2);
            for (int v = 0; v < trained.size(); v++) {
                assertThat(resumed.weights().get(v)).isEqualTo(trained.get(v));
            }
        }
        try (PolicyGradientLearner mlp =
                PolicyGradientLearner.create(
                        SegmentConfig.fromMap(Map.of("trainer.algo", "impala")), SPEC)) {
            assertThatThrownBy(() -> mlp.restoreLatest(store))
                    .hasMessageContaining("lstm(5)")
                    .hasMessageContaining("fresh checkpoint directory");
        }
    }

    @Test
    void refusesSegmentsOfAnotherLengthAndLstmWithReinforce() {
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(config("a2c", 0), SPEC, T)) {
            SegmentBatch longer = SegmentBatch.allocate(1, T + 1, OBS);
            assertThatThrownBy(() -> learner.step(longer, 0, 0))
                    .hasMessageContaining("unrolled over 4")
                    .hasMessageContaining("replay.segment.length");
        }
        assertThatThrownBy(() -> config("reinforce", 0))
                .hasMessageContaining("trainer.pg.network=lstm")
                .hasMessageContaining("a2c or impala");
        assertThatThrownBy(
                        () ->
                                SegmentConfig.fromMap(
                                        Map.of(
                                                "trainer.algo",
                                                "a2c",
                                                "trainer.pg.lstm-units",
                                                "0")))
                .hasMessageContaining("trainer.pg.lstm-units=0 must be >= 1");
    }
}
