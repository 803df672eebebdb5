package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicySpec;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TransitionColumns;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IQL with {@code trainer.iql.policies = K}: K policy networks, each trained as it would be alone,
 * acting as the mixture of their softmax policies.
 *
 * <p>The fixed-weight case: three linear policies over 2 inputs and 2 actions (bias 0, kernels
 * {@code [in, out]}), so the logits at {@code s = [1, 0]} and {@code [0, 1]} are the kernel rows:
 *
 * <pre>
 * member   W                 f([1,0])   f([0,1])
 * 1        [[0, 10], [0, 4]]  [0, 10]    [0, 4]
 * 2, 3     [[2,  0], [1, 0]]  [2,  0]    [1, 0]
 *
 * s = [1,0]: softmax 1 = [4.5e-5, 1.0], 2 and 3 = [0.881, 0.119]; mean = [0.587, 0.413] -> action 0
 *            (the mean of the logits, [1.33, 3.33], would take 1)
 * s = [0,1]: softmax 1 = [0.018, 0.982], 2 and 3 = [0.731, 0.269]; mean = [0.493, 0.507] -> action 1
 *            (a majority vote of the members' argmaxes would take 0)
 * exported q_values = log of the mean probabilities, computed below in Java.
 * </pre>
 */
@Timeout(120)
class IqlPolicyEnsembleTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);
    private static final float[][] KERNELS = {{0, 10, 0, 4}, {2, 0, 1, 0}, {2, 0, 1, 0}};
    private static final float[] OBS = {1, 0, 0, 1};
    private static final int ROWS = 2;

    @TempDir Path root;

    private static TrainerConfig config(int policies, String hidden) {
        Map<String, String> raw = new HashMap<>();
        raw.put("trainer.algo", "iql");
        raw.put("trainer.hidden", hidden);
        raw.put("trainer.batch-size", "8");
        raw.put("trainer.lr", "0.01");
        raw.put("trainer.seed", "3");
        raw.put("trainer.iql.policies", String.valueOf(policies));
        raw.put("trainer.threads.intra-op", "1");
        raw.put("trainer.threads.inter-op", "1");
        raw.put("trainer.policy.name", "iql-ensemble");
        return TrainerConfig.fromMap(raw);
    }

    /** {@code log mean_k softmax(f_k(s, .))} of the fixed members, row-major {@code [ROWS, 2]}. */
    private static float[] expectedMixtureLogits() {
        float[] out = new float[ROWS * 2];
        for (int row = 0; row < ROWS; row++) {
            double[] meanProb = new double[2];
            for (float[] w : KERNELS) {
                // logits = s W with s one-hot at `row`: row `row` of the kernel
                double l0 = w[row * 2], l1 = w[row * 2 + 1];
                double z = Math.exp(l0) + Math.exp(l1);
                meanProb[0] += Math.exp(l0) / z / KERNELS.length;
                meanProb[1] += Math.exp(l1) / z / KERNELS.length;
            }
            out[row * 2] = (float) Math.log(meanProb[0]);
            out[row * 2 + 1] = (float) Math.log(meanProb[1]);
        }
        return out;
    }

    private static List<float[]> fixedMembers() {
        List<float[]> weights = new ArrayList<>();
        for (float[] kernel : KERNELS) {
            weights.add(kernel.clone());
            weights.add(new float[2]); // bias
        }
        return weights;
    }

    private PolicyArtifact export(Trainer trainer) throws Exception {
        return trainer.export(
                new PolicyExporter(root, InstantSource.fixed(Instant.EPOCH)),
                new PolicyManifest.Lineage(List.of("test"), null, null, 0, List.of()),
                0);
    }

    @Test
    void theExportedActionIsTheArgmaxOfTheMeanProbabilities() throws Exception {
        float[] expected = expectedMixtureLogits();
        assertThat(expected[0]).isGreaterThan(expected[1]); // the table: action 0 at [1, 0]
        assertThat(expected[3]).isGreaterThan(expected[2]); // and action 1 at [0, 1]
        try (Trainer trainer = Trainer.create(config(3, ""), SPEC)) {
            trainer.setOnlineWeights(fixedMembers());
            assertThat(trainer.greedyActions(OBS, ROWS)).containsExactly(0, 1);
            float[] q = trainer.qValues(OBS, ROWS);
            for (int i = 0; i < q.length; i++) {
                assertThat(q[i]).as("trainer q %d", i).isCloseTo(expected[i], within(1e-5f));
            }

            PolicyArtifact artifact = export(trainer);
            PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
            assertThat(manifest.config()).containsEntry("trainer.iql.policies", "3");
            PolicyLoader loader =
                    PolicyLoader.tensorFlow(
                            new PolicySpec("test", List.of(2), 2), new float[] {0f, 1f}, ROWS);
            int[] actions = new int[ROWS];
            float[] probs = new float[ROWS];
            float[] exportedQ = new float[ROWS * 2];
            try (Policy policy = loader.loadDirectory(artifact.dir())) {
                policy.act(OBS, ROWS, actions, probs);
                policy.qValues(OBS, ROWS, exportedQ);
            }
            assertThat(actions).containsExactly(0, 1);
            for (int i = 0; i < exportedQ.length; i++) {
                assertThat(exportedQ[i])
                        .as("exported q_values %d", i)
                        .isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void eachMemberTrainsExactlyAsASinglePolicyWouldFromTheSameStart() {
        // Member 0 of an ensemble starts from the weights of the single network with the same seed
        // (initial weights are drawn per variable index), Q and V too; the ensemble's policy loss
        // is the sum of the members' losses, so (without the global-norm clip, which couples all
        // gradients) member 0 follows the single network step for step, and member 1 differs.
        TransitionColumns data = TestData.randomVectors(64, 4, 3, 7);
        TrainerConfig single = config(1, "8").with("trainer.grad-clip-norm", 0);
        TrainerConfig pair = config(2, "8").with("trainer.grad-clip-norm", 0);
        try (Trainer one = Trainer.create(single, data.spec());
                Trainer two = Trainer.create(pair, data.spec())) {
            int perMember = one.onlineWeights().size();
            assertThat(two.onlineWeights()).hasSize(2 * perMember);
            assertThat(two.onlineWeights().subList(0, perMember))
                    .containsExactlyElementsOf(one.onlineWeights());
            ArrayBatchSource a = ArrayBatchSource.of(data, single);
            ArrayBatchSource b = ArrayBatchSource.of(data, pair);
            for (int i = 0; i < 5; i++) {
                StepMetrics m1 = one.step(a);
                StepMetrics m2 = two.step(b);
                assertThat(m2.tdLoss()).isEqualTo(m1.tdLoss());
            }
            List<float[]> w1 = one.onlineWeights();
            List<float[]> w2 = two.onlineWeights();
            for (int v = 0; v < perMember; v++) {
                float[] expected = w1.get(v);
                float[] got = w2.get(v);
                for (int j = 0; j < expected.length; j++) {
                    assertThat(got[j]).isCloseTo(expected[j], within(1e-6f));
                }
                assertThat(w2.get(perMember + v)).isNotEqualTo(expected);
            }
        }
    }

    @Test
    void withOneCriticPerPolicyEachMemberIsAnIndependentIqlLearner() {
        // policies = critics = 2: the aux networks are q, q_1, v, v_1 (name order). A single IQL
        // learner started from member k's policy and critic k's Q and V, on the same batches,
        // follows member k step for step, and the ensemble's TD loss is the sum of theirs.
        TransitionColumns data = TestData.randomVectors(64, 4, 3, 7);
        TrainerConfig single = config(1, "8").with("trainer.grad-clip-norm", 0);
        TrainerConfig pair =
                config(2, "8").with("trainer.grad-clip-norm", 0).with("trainer.iql.critics", 2);
        try (Trainer two = Trainer.create(pair, data.spec());
                Trainer first = Trainer.create(single, data.spec());
                Trainer second = Trainer.create(single, data.spec())) {
            int n = first.onlineWeights().size(); // variables per network
            List<float[]> policies = two.onlineWeights();
            List<float[]> aux = two.auxWeights();
            assertThat(aux).hasSize(4 * n);
            List<Trainer> singles = List.of(first, second);
            for (int k = 0; k < 2; k++) {
                List<float[]> critic = new ArrayList<>(aux.subList(k * n, (k + 1) * n)); // q_k
                critic.addAll(aux.subList((2 + k) * n, (3 + k) * n)); // v_k
                singles.get(k).setOnlineWeights(policies.subList(k * n, (k + 1) * n));
                singles.get(k).setAuxWeights(critic);
                singles.get(k).setAuxTargetWeights(critic);
            }
            ArrayBatchSource a = ArrayBatchSource.of(data, single);
            ArrayBatchSource b = ArrayBatchSource.of(data, single);
            ArrayBatchSource c = ArrayBatchSource.of(data, pair);
            for (int i = 0; i < 5; i++) {
                float td = first.step(a).tdLoss() + second.step(b).tdLoss();
                assertThat(two.step(c).tdLoss()).isCloseTo(td, within(1e-5f));
            }
            List<float[]> got = two.onlineWeights();
            for (int k = 0; k < 2; k++) {
                List<float[]> expected = singles.get(k).onlineWeights();
                for (int v = 0; v < n; v++) {
                    float[] want = expected.get(v);
                    float[] have = got.get(k * n + v);
                    for (int j = 0; j < want.length; j++) {
                        assertThat(have[j])
                                .as("member %d var %d", k, v)
                                .isCloseTo(want[j], within(1e-6f));
                    }
                }
            }
        }
    }

    @Test
    void criticsMustBeOneOrOnePerPolicy() {
        assertThatThrownBy(() -> config(3, "8").with("trainer.iql.critics", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainer.iql.critics=2 is invalid: must be 1 (shared) or")
                .hasMessageContaining("trainer.iql.policies (3, one per policy)");
    }

    @Test
    void aCheckpointKeepsEveryMemberAndRefusesASinglePolicyTrainer() throws Exception {
        TransitionColumns data = TestData.randomVectors(64, 2, 2, 9);
        TrainerConfig config = config(3, "");
        CheckpointStore store = new CheckpointStore(root.resolve("checkpoints"), 1);
        ArrayBatchSource source = ArrayBatchSource.of(data, config);
        List<float[]> saved;
        try (Trainer trainer = Trainer.create(config, SPEC)) {
            trainer.setOnlineWeights(fixedMembers());
            trainer.step(source);
            saved = trainer.onlineWeights();
            trainer.saveCheckpoint(store, source);
        }
        try (Trainer resumed = Trainer.create(config, SPEC)) {
            assertThat(resumed.restoreLatest(store, ArrayBatchSource.of(data, config))).isTrue();
            List<float[]> restored = resumed.onlineWeights();
            assertThat(restored).hasSize(saved.size());
            for (int v = 0; v < saved.size(); v++) {
                assertThat(restored.get(v)).containsExactly(saved.get(v));
            }
        }
        try (Trainer single = Trainer.create(config(1, ""), SPEC)) {
            assertThatThrownBy(() -> single.restoreLatest(store, ArrayBatchSource.of(data, config)))
                    .hasMessageContaining("network=3xmlp[]")
                    .hasMessageContaining("network=mlp[]");
        }
    }

    @Test
    void aPolicyCountBelowOneIsRefusedWithTheFix() {
        assertThatThrownBy(() -> config(0, "8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainer.iql.policies=0 is invalid: must be >= 1");
    }

    @Test
    void otherAlgorithmsKeepASingleNetwork() {
        TrainerConfig cql = config(3, "8").with("trainer.algo", "cql");
        assertThat(cql.onlineNetworkSpec().describe()).isEqualTo("mlp[8]");
        assertThat(config(3, "8").onlineNetworkSpec().describe()).isEqualTo("3xmlp[8]");
    }
}
