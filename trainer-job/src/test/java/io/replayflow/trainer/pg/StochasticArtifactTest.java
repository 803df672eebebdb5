package io.replayflow.trainer.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.Policy;
import io.replayflow.policy.savedmodel.SavedModelPolicy;
import io.replayflow.policy.stochastic.SoftmaxSampler;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.export.PolicySnapshot;
import io.replayflow.trainer.net.QNetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An actor-critic exported by the trainer and loaded by the actors' runtime, both real TensorFlow:
 * the artifact is of kind stochastic with {@code logits} and {@code value} beside {@code action},
 * actors sample from the softmax and log pi(a|s) of the sampled action, evaluation takes the
 * argmax, and a format-1 Q-value artifact still loads.
 */
@Timeout(120)
class StochasticArtifactTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 3);
    private static final PolicyManifest.Lineage LINEAGE =
            new PolicyManifest.Lineage(List.of("test"), null, null, 0, List.of());
    // linear head [in 2, out 3 + 1]: logits(s) = [s0 + 0.5, -s0, 2 s1], V(s) = s0 + s1
    private static final List<float[]> AC_WEIGHTS =
            List.of(new float[] {1f, -1f, 0f, 1f, 0f, 0f, 2f, 1f}, new float[] {0.5f, 0f, 0f, 0f});

    @TempDir Path root;

    private PolicyArtifact export(PolicySnapshot snapshot) throws Exception {
        return new PolicyExporter(root, InstantSource.fixed(Instant.EPOCH)).export(snapshot, 0);
    }

    @Test
    void actorsSampleTheExportedSoftmaxAndLogItsProbability() throws Exception {
        PolicyArtifact artifact =
                export(
                        PolicySnapshot.stochastic(
                                "ac",
                                Algo.IMPALA,
                                QNetworkSpec.mlp(),
                                SPEC,
                                AC_WEIGHTS,
                                Map.of(),
                                7,
                                LINEAGE));
        PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
        assertThat(manifest.formatVersion()).isEqualTo(2);
        assertThat(manifest.stochastic()).isTrue();
        assertThat(manifest.signature()).isEqualTo(PolicyManifest.Signature.stochastic());
        manifest.verify(artifact.dir(), null);

        int draws = 100_000;
        float[] s = {0.4f, 0.3f}; // logits [0.9, -0.4, 0.6]
        float[] obs = new float[draws * 2];
        for (int i = 0; i < draws; i++) {
            obs[2 * i] = s[0];
            obs[2 * i + 1] = s[1];
        }
        int[] actions = new int[draws];
        float[] probs = new float[draws];
        try (SavedModelPolicy policy =
                SavedModelPolicy.open(
                        artifact.dir(), manifest, manifest.version(), new SplittableRandom(11))) {
            assertThat(policy.deterministic()).isFalse();
            policy.act(obs, draws, actions, probs);

            double[] pi = new double[3];
            SoftmaxSampler.softmax(new float[] {0.9f, -0.4f, 0.6f}, 0, 3, pi);
            long[] counts = new long[3];
            for (int i = 0; i < draws; i++) {
                counts[actions[i]]++;
                // the logged probability is pi(a|s) of the sampled action
                assertThat((double) probs[i]).isCloseTo(pi[actions[i]], within(1e-5));
            }
            double chiSquare = 0;
            for (int a = 0; a < 3; a++) {
                double expected = draws * pi[a];
                chiSquare += Math.pow(counts[a] - expected, 2) / expected;
            }
            assertThat(chiSquare).isLessThan(13.82); // 0.999 quantile of chi-square(2)

            Policy greedy = policy.greedy();
            int[] greedyActions = new int[1];
            float[] greedyProbs = new float[1];
            greedy.act(s, 1, greedyActions, greedyProbs);
            assertThat(greedy.deterministic()).isTrue();
            assertThat(greedyActions[0]).isZero();
            assertThat(greedyProbs[0]).isEqualTo(1f);
        }
    }

    @Test
    void aFormatOneQValueArtifactStillLoadsAndActsGreedily() throws Exception {
        // Q(s) = s W with W = [[1, 0], [0, 1]]: greedy action is the larger coordinate.
        PolicyArtifact artifact =
                export(
                        new PolicySnapshot(
                                "q",
                                Algo.DQN,
                                QNetworkSpec.mlp(),
                                TransitionSpec.vector(2, 2),
                                List.of(new float[] {1f, 0f, 0f, 1f}, new float[2]),
                                Map.of(),
                                3,
                                LINEAGE));
        // Rewrite the manifest as the previous release wrote it: format 1, no policy_kind.
        Path file = artifact.dir().resolve(PolicyManifest.FILE_NAME);
        String json =
                Files.readString(file)
                        .replace("\"format_version\" : 2", "\"format_version\" : 1")
                        .replaceAll(",\\s*\"policy_kind\" : \"q-values\"", "")
                        .replaceAll("\"policy_kind\" : \"q-values\",\\s*", "");
        assertThat(json).doesNotContain("policy_kind").contains("\"format_version\" : 1");
        Files.writeString(file, json);

        PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
        manifest.verify(artifact.dir(), null);
        try (SavedModelPolicy policy =
                SavedModelPolicy.open(artifact.dir(), manifest, manifest.version())) {
            int[] actions = new int[2];
            float[] probs = new float[2];
            policy.act(new float[] {1f, 0f, 0f, 1f}, 2, actions, probs);
            assertThat(policy.deterministic()).isTrue();
            assertThat(policy.hasQValues()).isTrue();
            assertThat(actions).containsExactly(0, 1);
            assertThat(probs).containsExactly(1f, 1f);
        }
    }
}
