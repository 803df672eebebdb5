package io.replayflow.actor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.actor.bench.LinearQArtifact;
import io.replayflow.actor.env.Acrobot;
import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.actor.eval.Evaluator;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.actor.testing.TestPolicies;
import io.replayflow.actor.testing.TestPolicies.Artifact;
import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.savedmodel.SavedModelPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.ArtifactDigest;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real SavedModels exported and served with TensorFlow Java. */
@Timeout(300) // the first TensorFlow use in a fresh machine unpacks ~650 MB of native libraries
class SavedModelPolicyITCase {
    private static final float[] PROBE = {0.01f, -0.02f, 0.03f, 0.04f};

    @TempDir Path root;

    private static float[][] gaussian(int rows, int cols, SplittableRandom random) {
        float[][] w = new float[rows][cols];
        for (float[] row : w) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) random.nextGaussian();
            }
        }
        return w;
    }

    private static float[] observations(int batch, SplittableRandom random) {
        float[] obs = new float[batch * 4];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) random.nextGaussian();
        }
        return obs;
    }

    @Test
    void batchedInferenceMatchesTheLinearModel() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        float[][] w = gaussian(4, 2, random);
        float[] b = {0.3f, -0.2f};
        Path dir = root.resolve("p/3");
        PolicyManifest manifest = LinearQArtifact.write(dir, "p", 3, List.of(4), w, b);
        assertThat(manifest.files()).containsKeys("saved_model.pb", "variables/variables.index");

        try (SavedModelPolicy policy = SavedModelPolicy.open(dir, manifest, 3)) {
            assertThat(policy.version()).isEqualTo(3);
            assertThat(policy.deterministic()).isTrue();
            for (int batch : new int[] {256, 1, 7, 256}) {
                float[] obs = observations(batch, random);
                int[] actions = new int[batch];
                float[] probs = new float[batch];
                policy.act(obs, batch, actions, probs);
                for (int i = 0; i < batch; i++) {
                    double q0 = b[0];
                    double q1 = b[1];
                    for (int d = 0; d < 4; d++) {
                        q0 += obs[i * 4 + d] * w[d][0];
                        q1 += obs[i * 4 + d] * w[d][1];
                    }
                    if (Math.abs(q0 - q1) > 1e-4) { // skip float near-ties
                        assertThat(actions[i])
                                .as("row %d of %d", i, batch)
                                .isEqualTo(q1 > q0 ? 1 : 0);
                    }
                    assertThat(probs[i]).isEqualTo(1f);
                }
            }
        }
    }

    @Test
    void aModelWithOnlyQValuesActsByTheirArgmax() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        float[][] w = gaussian(4, 3, random);
        float[] b = {0.1f, 0f, -0.1f};
        Path full = root.resolve("full/1");
        Path qOnly = root.resolve("q/1");
        PolicyManifest fullManifest = LinearQArtifact.write(full, "full", 1, List.of(4), w, b);
        PolicyManifest qManifest = LinearQArtifact.write(qOnly, "q", 1, List.of(4), w, b, false);
        float[] obs = observations(128, random);
        int[] expected = new int[128];
        int[] actions = new int[128];
        try (SavedModelPolicy withAction = SavedModelPolicy.open(full, fullManifest, 1);
                SavedModelPolicy argmax = SavedModelPolicy.open(qOnly, qManifest, 1)) {
            withAction.act(obs, 128, expected, new float[128]);
            argmax.act(obs, 128, actions, new float[128]);
            assertThat(argmax.toString()).contains("argmax of q_values");
        }
        assertThat(actions).isEqualTo(expected);
    }

    @Test
    void concurrentActorsShareOneModel() throws Exception {
        SplittableRandom random = new SplittableRandom(2);
        float[][] w = gaussian(4, 2, random);
        Path dir = root.resolve("shared/1");
        PolicyManifest manifest =
                LinearQArtifact.write(dir, "shared", 1, List.of(4), w, new float[2]);
        float[] obsA = observations(64, random);
        float[] obsB = observations(64, random);
        try (SavedModelPolicy policy = SavedModelPolicy.open(dir, manifest, 1)) {
            int[] expectedA = new int[64];
            int[] expectedB = new int[64];
            policy.act(obsA, 64, expectedA, new float[64]);
            policy.act(obsB, 64, expectedB, new float[64]);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> a = pool.submit(() -> repeat(policy, obsA, expectedA));
                Future<?> bb = pool.submit(() -> repeat(policy, obsB, expectedB));
                a.get();
                bb.get();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void repeat(SavedModelPolicy policy, float[] obs, int[] expected) {
        int[] actions = new int[64];
        float[] probs = new float[64];
        for (int i = 0; i < 300; i++) {
            policy.act(obs, 64, actions, probs);
            assertThat(actions).isEqualTo(expected);
        }
    }

    @Test
    void theLoaderVerifiesLoadsAndWarmsARealArtifact() throws Exception {
        Artifact artifact = TestPolicies.versionPicking(root, "cartpole", 5, CartPole.SPEC);
        PolicyLoader loader = PolicyLoader.tensorFlow(EnvPolicySpec.of(CartPole.SPEC), PROBE, 64);
        try (Policy policy = loader.load(artifact.announcement())) {
            int[] actions = new int[3];
            policy.act(new float[12], 3, actions, new float[3]);
            assertThat(policy.version()).isEqualTo(5);
            assertThat(actions).containsOnly(1); // 5 % 2
        }
    }

    @Test
    void refusesACorruptedArtifactBeforeTensorFlowSeesIt() {
        Artifact artifact = TestPolicies.versionPicking(root, "cartpole", 6, CartPole.SPEC);
        TestPolicies.corrupt(artifact);
        PolicyLoader loader = PolicyLoader.tensorFlow(EnvPolicySpec.of(CartPole.SPEC), PROBE, 8);
        assertThatThrownBy(() -> loader.load(artifact.announcement()))
                .isInstanceOfSatisfying(
                        PolicyRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH))
                .hasMessageContaining(
                        "checksum mismatch in "
                                + artifact.dir()
                                        .resolve("variables/variables.data-00000-of-00001"));
    }

    @Test
    void refusesAGraphWhoseInputDisagreesWithItsManifest() throws Exception {
        // Exported for 3-float observations, but the manifest (digests intact) claims [4].
        Artifact artifact = TestPolicies.forObsShape(root, "liar", 2, List.of(3), 2);
        PolicyManifest m = artifact.manifest();
        new PolicyManifest(
                        m.formatVersion(),
                        m.policyName(),
                        m.version(),
                        m.algo(),
                        m.config(),
                        List.of(4),
                        m.obsDtype(),
                        m.numActions(),
                        m.signature(),
                        m.transitionSchemaFingerprint(),
                        m.trainStep(),
                        m.createdAtMs(),
                        m.lineage(),
                        m.files(),
                        m.sha256())
                .writeTo(artifact.dir());
        PolicyVersion announced =
                PolicyVersion.newBuilder(artifact.announcement()).setObsShape(List.of(4)).build();
        PolicyLoader loader = PolicyLoader.tensorFlow(EnvPolicySpec.of(CartPole.SPEC), PROBE, 8);

        assertThatThrownBy(() -> loader.load(announced))
                .isInstanceOfSatisfying(
                        PolicyRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SPEC_MISMATCH))
                .hasMessageContaining("observation shape mismatch: input 'obs' of")
                .hasMessageContaining(
                        "has shape [-1, 3] but the manifest declares observations of shape [4]");
    }

    @Test
    void refusesFilesTensorFlowCannotLoad() throws Exception {
        Path dir = root.resolve("garbage/1");
        Files.createDirectories(dir.resolve("variables"));
        Files.writeString(dir.resolve("saved_model.pb"), "not a protobuf");
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        new PolicyManifest(
                        1,
                        "garbage",
                        1,
                        "dqn",
                        Map.of(),
                        List.of(4),
                        "float32",
                        2,
                        PolicyManifest.Signature.standard(),
                        "0x0",
                        0,
                        0,
                        new PolicyManifest.Lineage(List.of(), null, null, 0, List.of()),
                        files,
                        ArtifactDigest.combine(files))
                .writeTo(dir);
        PolicyLoader loader = PolicyLoader.tensorFlow(EnvPolicySpec.of(CartPole.SPEC), PROBE, 8);

        assertThatThrownBy(() -> loader.loadDirectory(dir))
                .isInstanceOfSatisfying(
                        PolicyRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED))
                .hasMessageContaining("TensorFlow cannot load the SavedModel in " + dir);
    }

    @Test
    void evaluationIsGreedyAndReproducible() throws Exception {
        Artifact left = TestPolicies.constantAction(root, "left", 1, CartPole.SPEC, 0);
        Evaluator evaluator = Evaluator.withBuiltIns();

        EvaluationResult first = evaluator.evaluate(left.dir(), "CartPole-v1", 20, 5);
        EvaluationResult again = evaluator.evaluate(left.dir(), "CartPole-v1", 20, 5);
        EvaluationResult other = evaluator.evaluate(left.dir(), "CartPole-v1", 20, 6);

        assertThat(first.returns()).hasSize(20).isEqualTo(again.returns());
        assertThat(other.returns()).isNotEqualTo(first.returns());
        // Always pushing left topples the pole in 8 to 11 steps.
        assertThat(first.meanReturn()).isBetween(8.0, 11.0);
        assertThat(first.policyVersion()).isEqualTo(1);
        assertThat(first.toJson()).startsWith("{\"mean_return\": " + first.meanReturn());
    }

    @Test
    void evaluationRunsMoreEpisodesThanSlots() throws Exception {
        Artifact right = TestPolicies.constantAction(root, "right", 1, CartPole.SPEC, 1);
        EvaluationResult result =
                Evaluator.withBuiltIns().evaluate(right.dir(), "CartPole-v1", 300, 1);
        assertThat(result.episodes()).isEqualTo(300);
        assertThat(result.lengths()).allSatisfy(l -> assertThat(l).isBetween(8, 12));
    }

    @Test
    void evaluationRefusesAPolicyOfAnotherEnvironment() {
        Artifact acrobot = TestPolicies.constantAction(root, "acro", 1, Acrobot.SPEC, 2);
        assertThatThrownBy(
                        () -> Evaluator.withBuiltIns().evaluate(acrobot.dir(), "CartPole-v1", 5, 1))
                .isInstanceOfSatisfying(
                        PolicyRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SPEC_MISMATCH))
                .hasMessageContaining(
                        "expects observations of shape [6] but CartPole-v1 gives [4]");
    }
}
