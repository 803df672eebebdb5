package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code trainer.dueling}: {@code Q(s, a) = V(s) + A(s, a) - mean_a' A(s, a')} over a body with one
 * more output than actions (column 0 the value), on a linear network with fixed weights.
 */
@Timeout(60)
class DuelingNetworkTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);

    @Test
    void qIsTheValuePlusTheCentredAdvantages() {
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", "double-dqn",
                                "trainer.hidden", "",
                                "trainer.dueling", "true"));
        try (Trainer trainer = Trainer.create(config, SPEC)) {
            // kernel [2 inputs, 3 outputs] row-major: outputs (V, A0, A1)
            float[] kernel = {1f, 2f, 4f, 0.5f, -1f, 1f};
            float[] bias = {0.5f, 0f, 0f};
            trainer.setOnlineWeights(List.of(kernel, bias));
            // obs (1, 0): body (1.5, 2, 4); V 1.5, A (2, 4), mean 3 -> Q (0.5, 2.5)
            // obs (0, 1): body (1.0, -1, 1); V 1.0, A (-1, 1), mean 0 -> Q (0, 2)
            // obs (1, 1): body (2.0, 1, 5); V 2.0, A (1, 5), mean 3 -> Q (0, 4)
            float[] q = trainer.qValues(new float[] {1, 0, 0, 1, 1, 1}, 3);
            float[] expected = {0.5f, 2.5f, 0f, 2f, 0f, 4f};
            for (int i = 0; i < expected.length; i++) {
                assertThat(q[i]).as("q[%d]", i).isCloseTo(expected[i], within(1e-6f));
            }
            assertThat(trainer.greedyActions(new float[] {1, 0}, 1)).containsExactly(1);
        }
    }

    @Test
    void onlyTheQLearnersTakeIt() {
        assertThat(
                        TrainerConfig.fromMap(
                                        Map.of("trainer.algo", "cql", "trainer.dueling", "true"))
                                .onlineNetworkSpec()
                                .describe())
                .isEqualTo("mlp[64,64] dueling");
        assertThatThrownBy(
                        () ->
                                TrainerConfig.fromMap(
                                        Map.of("trainer.algo", "bcq", "trainer.dueling", "true")))
                .hasMessage(
                        "trainer.dueling=true is invalid: applies to dqn, double-dqn and cql, not"
                                + " trainer.algo=bcq; remove the key");
    }
}
