package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TransitionColumns;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each algorithm learns the optimal Q-function of a small deterministic chain offline, from a
 * dataset with every (state, action) pair once.
 *
 * <pre>
 * states 0..4 (one-hot), 4 terminal; action 1 moves right, action 0 left (state 0 stays);
 * reward 1 on entering state 4, else 0; gamma = 0.9:
 *   Q*(s, right) = 0.9^(3 - s)              = 0.729, 0.81, 0.9, 1.0
 *   Q*(s, left)  = 0.9 * V*(max(s - 1, 0))  = 0.6561, 0.6561, 0.729, 0.81
 * </pre>
 *
 * CQL is conservative only where the data has no support; with every action in the data its fixed
 * point is slightly below Q* on the logged actions, so it is checked on the greedy policy.
 */
@Timeout(120)
class LearningSanityTest {

    private static final double GAMMA = 0.9;

    static TransitionColumns chain() {
        TransitionColumns.Builder b = TransitionColumns.builder(TransitionSpec.vector(5, 2));
        for (int s = 0; s < 4; s++) {
            for (int a = 0; a < 2; a++) {
                int next = a == 1 ? s + 1 : Math.max(s - 1, 0);
                boolean terminal = next == 4;
                b.add(
                        oneHot(s),
                        a,
                        terminal ? 1f : 0f,
                        terminal ? 0f : (float) GAMMA,
                        oneHot(next));
            }
        }
        return b.build();
    }

    static float[] oneHot(int s) {
        float[] v = new float[5];
        v[s] = 1;
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dqn", "double-dqn", "cql"})
    void learnsTheChain(String algo) {
        TransitionColumns data = chain();
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", algo,
                                "trainer.hidden", "32",
                                "trainer.batch-size", "16",
                                "trainer.lr", "0.01",
                                "trainer.loss", "mse",
                                "trainer.cql.alpha", "0.1",
                                "trainer.target.update-period", "50",
                                "trainer.seed", "1"));
        float[] states = new float[4 * 5];
        for (int s = 0; s < 4; s++) {
            states[s * 5 + s] = 1;
        }
        try (Trainer trainer = Trainer.create(config, data.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(data, config);
            for (int i = 0; i < 1500; i++) {
                trainer.step(source);
            }
            assertThat(trainer.greedyActions(states, 4)).containsOnly(1L);
            float[] q = trainer.qValues(states, 4);
            if (!algo.equals("cql")) {
                for (int s = 0; s < 4; s++) {
                    assertThat(q[s * 2 + 1])
                            .as("Q(%d, right)", s)
                            .isCloseTo((float) Math.pow(GAMMA, 3 - s), within(0.05f));
                }
            }
        }
    }
}
