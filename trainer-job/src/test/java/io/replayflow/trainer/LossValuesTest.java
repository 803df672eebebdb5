package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loss values of DQN, Double DQN, CQL and behaviour cloning on a 2x2 linear Q-network with fixed
 * weights, checked against numbers worked out by hand.
 *
 * <pre>
 * Q(s) = s W  (no hidden layer, bias 0), obs dim 2, 2 actions; kernels are [in, out]:
 *   W_online = [[ 1.0, 0.5],      W_target = [[0.5, 1.0],
 *               [-1.0, 2.0]]                   [1.0, 0.4]]
 *
 * batch       s       a   R     gamma^n(1-term)   s'      w
 *   1       [1, 0]    0   1.0   0.9               [0, 1]  1.0
 *   2       [0, 1]    1   0.0   0.0 (terminal)    [1, 1]  0.5
 *
 * Q_online(s1) = [1.0, 0.5]   Q_online(s2) = [-1.0, 2.0]   => Q(s1,a1) = 1.0, Q(s2,a2) = 2.0
 * Q_target(s1') = [1.0, 0.4]  Q_online(s1') = [-1.0, 2.0]
 * mean_q = (1.0 + 2.0) / 2 = 1.5
 * </pre>
 */
@Timeout(60)
class LossValuesTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);
    private static final List<float[]> ONLINE =
            List.of(new float[] {1f, 0.5f, -1f, 2f}, new float[2]);
    private static final List<float[]> TARGET =
            List.of(new float[] {0.5f, 1f, 1f, 0.4f}, new float[2]);

    private static FixedBatchSource batch() {
        return new FixedBatchSource(
                SPEC,
                new float[] {1, 0, 0, 1},
                new int[] {0, 1},
                new float[] {1.0f, 0.0f},
                new float[] {0.9f, 0.0f},
                new float[] {0, 1, 1, 1},
                new float[] {1.0f, 0.5f});
    }

    private static StepMetrics evaluate(String algo, String loss, float[] tdErrorsOut) {
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", algo,
                                "trainer.hidden", "",
                                "trainer.batch-size", "2",
                                "trainer.loss", loss,
                                "trainer.cql.alpha", "0.5"));
        try (Trainer trainer = Trainer.create(config, SPEC)) {
            trainer.setOnlineWeights(ONLINE);
            trainer.setTargetWeights(TARGET);
            StepMetrics m = trainer.evaluate(batch());
            System.arraycopy(trainer.lastTdErrors(), 0, tdErrorsOut, 0, 2);
            // the first training step reports the same pre-update loss
            StepMetrics stepped = trainer.step(batch());
            assertThat(stepped.totalLoss()).isCloseTo(m.totalLoss(), within(1e-6f));
            assertThat(stepped.step()).isEqualTo(1);
            return m;
        }
    }

    @Test
    void dqnHuber() {
        // y1 = 1 + 0.9 * max(1.0, 0.4) = 1.9   delta1 = 1.9 - 1.0 = 0.9   huber = 0.5 * 0.81 =
        // 0.405
        // y2 = 0 + 0 * ...           = 0.0   delta2 = 0.0 - 2.0 = -2.0  huber = 2.0 - 0.5 = 1.5
        // td = (1.0 * 0.405 + 0.5 * 1.5) / 2 = 0.5775; no conservative term
        float[] td = new float[2];
        StepMetrics m = evaluate("dqn", "huber", td);
        assertThat(m.tdLoss()).isCloseTo(0.5775f, within(1e-6f));
        assertThat(m.conservativeLoss()).isZero();
        assertThat(m.totalLoss()).isCloseTo(0.5775f, within(1e-6f));
        assertThat(m.meanQ()).isCloseTo(1.5f, within(1e-6f));
        assertThat(td[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(td[1]).isCloseTo(-2.0f, within(1e-6f));
    }

    @Test
    void dqnSquaredError() {
        // td = (1.0 * 0.9^2 + 0.5 * (-2.0)^2) / 2 = (0.81 + 2.0) / 2 = 1.405
        StepMetrics m = evaluate("dqn", "mse", new float[2]);
        assertThat(m.tdLoss()).isCloseTo(1.405f, within(1e-6f));
        assertThat(m.totalLoss()).isCloseTo(1.405f, within(1e-6f));
    }

    @Test
    void doubleDqnTakesTheOnlineArgmax() {
        // a* = argmax Q_online(s1') = argmax [-1.0, 2.0] = 1; Q_target(s1', 1) = 0.4
        // y1 = 1 + 0.9 * 0.4 = 1.36   delta1 = 0.36   huber = 0.5 * 0.1296 = 0.0648
        // sample 2 as in DQN: weighted 0.5 * 1.5 = 0.75
        // td = (0.0648 + 0.75) / 2 = 0.4074
        float[] td = new float[2];
        StepMetrics m = evaluate("double-dqn", "huber", td);
        assertThat(m.tdLoss()).isCloseTo(0.4074f, within(1e-6f));
        assertThat(m.conservativeLoss()).isZero();
        assertThat(td[0]).isCloseTo(0.36f, within(1e-6f));
        assertThat(td[1]).isCloseTo(-2.0f, within(1e-6f));
    }

    @Test
    void cqlAddsAlphaTimesLogSumExpGap() {
        // td as in Double DQN: 0.4074
        // logsumexp(1.0, 0.5)  = 1 + ln(1 + e^-0.5) = 1.474076984  gap1 = 0.474076984
        // logsumexp(-1.0, 2.0) = 2 + ln(1 + e^-3)   = 2.048587352  gap2 = 0.048587352
        // conservative = 0.5 * (0.474076984 + 0.048587352) / 2 = 0.130666084
        // total = 0.4074 + 0.130666084 = 0.538066084
        StepMetrics m = evaluate("cql", "huber", new float[2]);
        assertThat(m.tdLoss()).isCloseTo(0.4074f, within(1e-6f));
        assertThat(m.conservativeLoss()).isCloseTo(0.130666084f, within(1e-6f));
        assertThat(m.totalLoss()).isCloseTo(0.538066084f, within(1e-6f));
        assertThat(m.meanQ()).isCloseTo(1.5f, within(1e-6f));
    }

    @Test
    void behaviourCloningIsTheWeightedCrossEntropyOfTheLoggedAction() {
        // the online outputs are logits; rewards, s' and the target network are not read
        // ce1 = logsumexp(1.0, 0.5) - f(s1, 0)  = 1.474076984 - 1.0 = 0.474076984
        // ce2 = logsumexp(-1.0, 2.0) - f(s2, 1) = 2.048587352 - 2.0 = 0.048587352
        // td = total = (1.0 * 0.474076984 + 0.5 * 0.048587352) / 2 = 0.249185330
        // the per-sample "TD error" is ce_i; mean_q the mean logit of the logged action, 1.5
        float[] ce = new float[2];
        StepMetrics m = evaluate("bc", "huber", ce);
        assertThat(m.tdLoss()).isCloseTo(0.24918533f, within(1e-6f));
        assertThat(m.conservativeLoss()).isZero();
        assertThat(m.totalLoss()).isCloseTo(0.24918533f, within(1e-6f));
        assertThat(m.meanQ()).isCloseTo(1.5f, within(1e-6f));
        assertThat(ce[0]).isCloseTo(0.474076984f, within(1e-6f));
        assertThat(ce[1]).isCloseTo(0.048587352f, within(1e-6f));
    }
}
