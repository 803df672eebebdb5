package io.replayflow.policy.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.PolicySpec;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.testing.LstmPolicy;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real recurrent SavedModel ({@link LstmPolicy}: TF Java ops, the format-3 contract's names)
 * driven through the policy runtime, checked step by step against the same cell in plain Java.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecurrentPolicyTest {
    private static final int OBS = 3;
    private static final int UNITS = 5;
    private static final int ACTIONS = 3;
    private static final LstmPolicy LSTM = LstmPolicy.random(OBS, UNITS, ACTIONS, 3.0, 42);
    private static final PolicySpec SPEC = new PolicySpec("Test-v0", List.of(OBS), ACTIONS);

    @TempDir static Path tmp;
    private static Path dir;

    @BeforeAll
    static void export() throws Exception {
        dir = tmp.resolve("lstm/1");
        LSTM.write(dir, "lstm", 1);
    }

    private static Policy load() throws PolicyRejectedException {
        return PolicyLoader.tensorFlow(SPEC, new float[OBS], 4).loadDirectory(dir);
    }

    @Test
    void feedsEachRowsStateAndReturnsTheCellsNextState() throws Exception {
        int rows = 4;
        SplittableRandom random = new SplittableRandom(9);
        try (Policy policy = load()) {
            assertThat(policy.stateSize()).isEqualTo(2 * UNITS);
            assertThat(policy.deterministic()).isFalse();
            assertThat(policy.hasQValues()).isFalse();
            float[] obs = new float[rows * OBS];
            float[] state = new float[rows * 2 * UNITS]; // zeros: every row's first step
            double[][] expected = new double[rows][2 * UNITS];
            int[] actions = new int[rows];
            float[] probs = new float[rows];
            boolean sawStateMatter = false;
            for (int t = 0; t < 30; t++) {
                for (int k = 0; k < obs.length; k++) {
                    obs[k] = (float) random.nextGaussian();
                }
                if (t == 12) { // row 2's episode ends: its next step starts from zeros
                    Arrays.fill(state, 2 * 2 * UNITS, 3 * 2 * UNITS, 0f);
                    Arrays.fill(expected[2], 0.0);
                }
                policy.act(obs, state, rows, actions, probs, state); // next state in place
                for (int r = 0; r < rows; r++) {
                    float[] rowObs = Arrays.copyOfRange(obs, r * OBS, (r + 1) * OBS);
                    double[] logits = LSTM.step(rowObs, expected[r], expected[r]);
                    double[] fromZero =
                            LSTM.step(rowObs, new double[2 * UNITS], new double[2 * UNITS]);
                    sawStateMatter |=
                            Math.abs(
                                            LstmPolicy.probability(logits, actions[r])
                                                    - LstmPolicy.probability(fromZero, actions[r]))
                                    > 0.05;
                    for (int k = 0; k < 2 * UNITS; k++) {
                        assertThat((double) state[r * 2 * UNITS + k])
                                .as("step %d row %d state %d", t, r, k)
                                .isCloseTo(expected[r][k], within(1e-4));
                    }
                    assertThat((double) probs[r])
                            .as("step %d row %d: pi(a|s, state) of the drawn action", t, r)
                            .isCloseTo(LstmPolicy.probability(logits, actions[r]), within(1e-5));
                }
            }
            assertThat(sawStateMatter)
                    .as("the test network's probabilities depend on its state")
                    .isTrue();
        }
    }

    @Test
    void greedyViewTakesTheArgmaxAndStillAdvancesTheState() throws Exception {
        float[] obs = {0.3f, -1.2f, 0.7f};
        try (Policy policy = load()) {
            Policy greedy = policy.greedy();
            assertThat(greedy.stateSize()).isEqualTo(2 * UNITS);
            float[] state = new float[2 * UNITS];
            double[] expected = new double[2 * UNITS];
            int[] action = new int[1];
            float[] prob = new float[1];
            for (int t = 0; t < 5; t++) {
                greedy.act(obs, state, 1, action, prob, state);
                double[] logits = LSTM.step(obs, expected, expected);
                int best = 0;
                for (int a = 1; a < ACTIONS; a++) {
                    best = logits[a] > logits[best] ? a : best;
                }
                assertThat(action[0]).isEqualTo(best);
                assertThat(prob[0]).isEqualTo(1f);
                assertThat((double) state[0]).isCloseTo(expected[0], within(1e-4));
            }
        }
    }

    @Test
    void refusesToActWithoutAState() throws Exception {
        try (Policy policy = load()) {
            assertThatThrownBy(() -> policy.act(new float[OBS], 1, new int[1], new float[1]))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "policy v1 is recurrent (lstm, 5 units) and cannot act without a"
                                    + " state: drive it with act(obs, state, ...), one state per"
                                    + " episode starting at zeros");
            assertThatThrownBy(
                            () -> policy.greedy().act(new float[OBS], 1, new int[1], new float[1]))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aReaderThatKeepsNoStateRefusesIt() {
        PolicyLoader loader =
                PolicyLoader.tensorFlow(SPEC, new float[OBS], 1)
                        .statelessOnly("the decision service keeps no state between requests");
        assertThatThrownBy(() -> loader.loadDirectory(dir))
                .isInstanceOf(PolicyRejectedException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.SPEC_MISMATCH)
                .hasMessage(
                        "policy artifact "
                                + dir
                                + " is recurrent (lstm, 5 units: each step needs the state of its"
                                + " episode's previous step) and this reader cannot keep one: the"
                                + " decision service keeps no state between requests; use a"
                                + " feed-forward policy here, or act with the recurrent one"
                                + " through actors or evaluate, which keep a state per episode");
    }

    @Test
    void aManifestNamingStatesTheModelLacksIsASpecMismatch() throws Exception {
        Path mlp = tmp.resolve("mlp/2");
        PolicyManifest ff = MlpPolicy.random(OBS, new int[] {4}, ACTIONS, 1).write(mlp, "mlp", 2);
        new PolicyManifest(
                        PolicyManifest.RECURRENT_FORMAT_VERSION,
                        ff.policyName(),
                        ff.version(),
                        ff.algo(),
                        ff.config(),
                        ff.obsShape(),
                        ff.obsDtype(),
                        ff.numActions(),
                        ff.signature(),
                        ff.transitionSchemaFingerprint(),
                        ff.trainStep(),
                        ff.createdAtMs(),
                        ff.lineage(),
                        ff.files(),
                        ff.sha256(),
                        PolicyManifest.Q_VALUES,
                        PolicyManifest.Recurrent.lstm(UNITS))
                .writeTo(mlp);
        assertThatThrownBy(
                        () -> PolicyLoader.tensorFlow(SPEC, new float[OBS], 1).loadDirectory(mlp))
                .isInstanceOf(PolicyRejectedException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.SPEC_MISMATCH)
                .hasMessageContaining(
                        "declares a recurrent policy with state input 'state_h' but signature"
                                + " 'serving_default' has none");
    }
}
