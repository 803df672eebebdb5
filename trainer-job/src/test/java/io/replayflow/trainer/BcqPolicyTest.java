package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicySpec;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BCQ's policy acts with its filter: on a 2x2 linear Q-network and imitation network with fixed
 * weights, the trainer's greedy action and the exported artifact, loaded through the actors' policy
 * runtime, both take {@code argmax_{a in allowed(s)} Q(s, a)}, which differs from the unfiltered
 * argmax; the exported {@code q_values} stay unfiltered.
 *
 * <pre>
 * Q(s) = s W, g(s) = s W_i  (no hidden layer, bias 0); kernels are [in, out]:
 *   W   = [[ 1.0, 0.5],      W_i = [[0, 0],
 *          [-1.0, 2.0]]              [2, 0]]       so g(s) = [2 s_1, 0]
 * allowed(s) = { a : exp(g(s, a) - max_a' g(s, a')) > tau },  tau = 0.3
 *
 * s        Q(s)          g(s)      ratios exp(g - max g)  allowed   argmax Q   filtered
 * [0,  1]  [-1.0,  2.0]  [ 2, 0]   [1, e^-2 = 0.135]      {0}       1          0
 * [1, -1]  [ 2.0, -1.5]  [-2, 0]   [0.135, 1]             {1}       0          1
 * [1,  0]  [ 1.0,  0.5]  [ 0, 0]   [1, 1]                 {0, 1}    0          0
 * with tau = 0.1 < 0.135 both actions pass everywhere: the filtered action is argmax Q.
 * </pre>
 */
@Timeout(120)
class BcqPolicyTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);
    private static final List<float[]> Q_WEIGHTS =
            List.of(new float[] {1f, 0.5f, -1f, 2f}, new float[2]);
    private static final List<float[]> IMITATION_WEIGHTS =
            List.of(new float[] {0f, 0f, 2f, 0f}, new float[2]);
    private static final float[] OBS = {0, 1, 1, -1, 1, 0};
    private static final float[] Q = {-1f, 2f, 2f, -1.5f, 1f, 0.5f};
    private static final int ROWS = 3;

    @TempDir Path root;

    private static TrainerConfig config(String algo, String threshold) {
        Map<String, String> raw = new HashMap<>();
        raw.put("trainer.algo", algo);
        raw.put("trainer.hidden", "");
        raw.put("trainer.batch-size", "2");
        raw.put("trainer.bcq.threshold", threshold);
        raw.put("trainer.policy.name", algo);
        return TrainerConfig.fromMap(raw);
    }

    private static Trainer fixedWeights(TrainerConfig config) {
        Trainer trainer = Trainer.create(config, SPEC);
        trainer.setOnlineWeights(Q_WEIGHTS);
        if (config.algo() == Algo.BCQ) {
            trainer.setAuxWeights(IMITATION_WEIGHTS);
        }
        return trainer;
    }

    private PolicyArtifact export(Trainer trainer) throws Exception {
        return trainer.export(
                new PolicyExporter(root, InstantSource.fixed(Instant.EPOCH)),
                new PolicyManifest.Lineage(List.of("test"), null, null, 0, List.of()),
                0);
    }

    /** Actions and Q-values of the artifact in {@code dir}, loaded as evaluate and actors do. */
    private static int[] actThroughRuntime(Path dir, float[] qOut) throws Exception {
        PolicyLoader loader =
                PolicyLoader.tensorFlow(
                        new PolicySpec("test", List.of(2), 2), new float[] {0f, 1f}, ROWS);
        int[] actions = new int[ROWS];
        float[] probs = new float[ROWS];
        try (Policy policy = loader.loadDirectory(dir)) {
            assertThat(policy.deterministic()).isTrue();
            policy.act(OBS, ROWS, actions, probs);
            assertThat(probs).containsOnly(1f);
            assertThat(policy.hasQValues()).isTrue();
            policy.qValues(OBS, ROWS, qOut);
        }
        return actions;
    }

    @Test
    void theExportedPolicyTakesTheBestAllowedActionNotTheBestQ() throws Exception {
        try (Trainer trainer = fixedWeights(config("bcq", "0.3"))) {
            assertThat(trainer.greedyActions(OBS, ROWS)).containsExactly(0, 1, 0);
            PolicyArtifact artifact = export(trainer);

            PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
            assertThat(manifest.algo()).isEqualTo("bcq");
            assertThat(manifest.config()).containsEntry("trainer.bcq.threshold", "0.3");
            assertThat(manifest.signature()).isEqualTo(PolicyManifest.Signature.standard());

            float[] q = new float[ROWS * 2];
            assertThat(actThroughRuntime(artifact.dir(), q)).containsExactly(0, 1, 0);
            for (int i = 0; i < q.length; i++) {
                assertThat(q[i]).as("unfiltered Q %d", i).isCloseTo(Q[i], within(1e-6f));
            }
        }
    }

    @Test
    void theSameQNetworkWithoutTheFilterTakesTheArgmax() throws Exception {
        // Double DQN with BCQ's Q-weights: argmax Q, the row "argmax Q" above.
        try (Trainer trainer = fixedWeights(config("double-dqn", "0.3"))) {
            assertThat(trainer.greedyActions(OBS, ROWS)).containsExactly(1, 0, 0);
            assertThat(actThroughRuntime(export(trainer).dir(), new float[ROWS * 2]))
                    .containsExactly(1, 0, 0);
        }
    }

    @Test
    void aThresholdBelowEveryRatioAllowsEveryAction() throws Exception {
        try (Trainer trainer = fixedWeights(config("bcq", "0.1"))) {
            assertThat(trainer.greedyActions(OBS, ROWS)).containsExactly(1, 0, 0);
            assertThat(actThroughRuntime(export(trainer).dir(), new float[ROWS * 2]))
                    .containsExactly(1, 0, 0);
        }
    }

    @Test
    void aResumedTrainerExportsTheRestoredImitationNetwork() throws Exception {
        TrainerConfig config = config("bcq", "0.3");
        CheckpointStore store = new CheckpointStore(root.resolve("checkpoints"), 1);
        FixedBatchSource source =
                new FixedBatchSource(
                        SPEC,
                        new float[] {1, 0, 0, 1},
                        new int[] {0, 1},
                        new float[] {1f, 0f},
                        new float[] {0.9f, 0f},
                        new float[] {0, 1, 1, 1},
                        new float[] {1f, 1f});
        try (Trainer trainer = fixedWeights(config)) {
            trainer.saveCheckpoint(store, source);
        }
        // a fresh trainer starts from its seeded random weights; the checkpoint brings back both
        // networks, so it acts as the saved one did
        try (Trainer resumed = Trainer.create(config, SPEC)) {
            assertThat(resumed.restoreLatest(store, source)).isTrue();
            assertThat(resumed.auxWeights().get(0)).containsExactly(IMITATION_WEIGHTS.get(0));
            assertThat(actThroughRuntime(export(resumed).dir(), new float[ROWS * 2]))
                    .containsExactly(0, 1, 0);
        }
    }
}
