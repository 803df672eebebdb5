package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loss values of DQN, Double DQN, QR-DQN, CQL, IQL, BCQ and behaviour cloning on a 2x2 linear
 * Q-network with fixed weights, checked against numbers worked out by hand.
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
        return FixedBatchSource.twoStates();
    }

    private static StepMetrics evaluate(String algo, String loss, float[] tdErrorsOut) {
        return evaluate(
                Map.of("trainer.algo", algo, "trainer.loss", loss),
                List.of(),
                List.of(),
                tdErrorsOut);
    }

    private static StepMetrics evaluate(
            Map<String, String> settings,
            List<float[]> aux,
            List<float[]> auxTarget,
            float[] tdErrorsOut) {
        Map<String, String> raw = new java.util.HashMap<>(settings);
        raw.put("trainer.hidden", "");
        raw.put("trainer.batch-size", "2");
        raw.putIfAbsent("trainer.cql.alpha", "0.5");
        TrainerConfig config = TrainerConfig.fromMap(raw);
        try (Trainer trainer = Trainer.create(config, SPEC)) {
            trainer.setOnlineWeights(ONLINE);
            trainer.setTargetWeights(TARGET);
            if (!aux.isEmpty()) {
                trainer.setAuxWeights(aux);
                trainer.setAuxTargetWeights(auxTarget);
            }
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

    /**
     * QR-DQN with N = 2 quantiles: the same linear network shape with 2 x 2 outputs (kernel [2, 4],
     * output a * 2 + j is quantile j of action a), its own weights; the same batch; kappa = 1.
     *
     * <pre>
     * W_online = [[ 0.5, 1.5, 0.0, 1.0],     W_target = [[1.0, 2.0, 0.0, 0.0],
     *             [-2.0, 0.0, 1.0, 3.0]]                 [0.0, 0.4, 0.2, 1.0]]
     * theta(s1) = a0 [0.5, 1.5], a1 [0.0, 1.0]   Q(s1) = [1.0, 0.5]  -> greedy 0
     * theta(s2) = a0 [-2.0, 0.0], a1 [1.0, 3.0]  Q(s2) = [-1.0, 2.0] -> greedy 1
     * </pre>
     */
    @Test
    void qrDqnIsTheQuantileHuberLossAgainstTheTargetsQuantiles() {
        // tau = [0.25, 0.75]
        // sample 1: theta(s1, 0) = [0.5, 1.5]; target at s1' = [0, 1]: a0 [0.0, 0.4] (mean 0.2),
        //   a1 [0.2, 1.0] (mean 0.6) -> a* = 1; T = 1 + 0.9 * [0.2, 1.0] = [1.18, 1.9]
        //   k=0 (0.5, tau .25): u = [0.68, 1.4], both >= 0 -> |0.25 - 0| = 0.25
        //       huber = [0.5 * 0.68^2, 1.4 - 0.5] = [0.2312, 0.9]; rho = [0.0578, 0.225], mean
        // 0.1414
        //   k=1 (1.5, tau .75): u = [-0.32, 0.4] -> weights [|0.75 - 1|, 0.75] = [0.25, 0.75]
        //       huber = [0.0512, 0.08]; rho = [0.0128, 0.06], mean 0.0364
        //   loss1 = 0.1414 + 0.0364 = 0.1778
        // sample 2 (terminal): theta(s2, 1) = [1, 3], T = [0, 0]
        //   k=0: u = [-1, -1] -> weight 0.75, huber 0.5 -> rho 0.375 each, mean 0.375
        //   k=1: u = [-3, -3] -> weight 0.25, huber 3 - 0.5 = 2.5 -> rho 0.625, mean 0.625
        //   loss2 = 1.0
        // td = (1.0 * 0.1778 + 0.5 * 1.0) / 2 = 0.3389
        // TD errors: mean T - Q(s, a): 1.54 - 1.0 = 0.54 and 0 - 2.0 = -2.0; mean_q 1.5
        Map<String, String> raw =
                Map.of(
                        "trainer.algo", "qr-dqn",
                        "trainer.qr.quantiles", "2",
                        "trainer.huber.delta", "1.0",
                        "trainer.hidden", "",
                        "trainer.batch-size", "2");
        TrainerConfig config = TrainerConfig.fromMap(raw);
        try (Trainer trainer = Trainer.create(config, SPEC)) {
            trainer.setOnlineWeights(
                    List.of(new float[] {0.5f, 1.5f, 0f, 1f, -2f, 0f, 1f, 3f}, new float[4]));
            trainer.setTargetWeights(
                    List.of(new float[] {1f, 2f, 0f, 0f, 0f, 0.4f, 0.2f, 1f}, new float[4]));
            StepMetrics m = trainer.evaluate(batch());
            assertThat(m.tdLoss()).isCloseTo(0.3389f, within(1e-6f));
            assertThat(m.conservativeLoss()).isZero();
            assertThat(m.totalLoss()).isCloseTo(0.3389f, within(1e-6f));
            assertThat(m.meanQ()).isCloseTo(1.5f, within(1e-6f));
            assertThat(trainer.lastTdErrors()[0]).isCloseTo(0.54f, within(1e-6f));
            assertThat(trainer.lastTdErrors()[1]).isCloseTo(-2.0f, within(1e-6f));
            float[] states = {1, 0, 0, 1};
            assertThat(trainer.qValues(states, 2))
                    .containsExactly(new float[] {1.0f, 0.5f, -1.0f, 2.0f}, within(1e-6f));
            assertThat(trainer.greedyActions(states, 2)).containsExactly(0L, 1L);
        }
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

    @Test
    void iqlFitsAnUpperExpectileAndWeightsThePolicyByAdvantage() {
        // aux networks in name order: q (2x2 kernel, bias) then v (2x1 kernel, bias); biases 0
        //   W_q = [[0.5, 1.0],   W_q_target = [[1, 0],   W_v = [[1.5],
        //          [1.0, 0.4]]                 [0, 1]]           [0.6]]
        // Q(s1) = [0.5, 1.0] -> Q(s1,a1) = 0.5      Q(s2) = [1.0, 0.4] -> Q(s2,a2) = 0.4
        // Q_target(s1,a1) = 1.0, Q_target(s2,a2) = 1.0;  V(s1) = 1.5, V(s2) = 0.6, V(s1') = 0.6
        // Q loss: y1 = 1 + 0.9 * V(s1') = 1.54  delta1 = 1.04  huber = 0.5 + (1.04 - 1) = 0.54
        //         y2 = 0 (terminal)             delta2 = -0.4  huber = 0.5 * 0.16     = 0.08
        //         td = (1.0 * 0.54 + 0.5 * 0.08) / 2 = 0.29
        // expectile tau = 0.7: u1 = 1.0 - 1.5 = -0.5 (below: weight 1 - 0.7 = 0.3) -> 0.075
        //                      u2 = 1.0 - 0.6 =  0.4 (above: weight 0.7)           -> 0.112
        //         value = (0.075 + 0.112) / 2 = 0.0935
        // policy (online logits as in BC): ce1 = 0.474076984, ce2 = 0.048587352
        //         beta = 3: w1 = exp(-1.5) = 0.223130160, w2 = exp(1.2) = 3.320116923
        //         policy = (0.223130160 * 0.474076984 + 3.320116923 * 0.048587352) / 2
        //                = 0.133548281
        // conservative = value + policy = 0.227048281; total = 0.517048281
        // mean_q = (0.5 + 0.4) / 2 = 0.45; TD errors 1.04 and -0.4
        float[] td = new float[2];
        StepMetrics m =
                evaluate(
                        Map.of(
                                "trainer.algo", "iql",
                                "trainer.iql.expectile", "0.7",
                                "trainer.iql.beta", "3"),
                        List.of(
                                new float[] {0.5f, 1f, 1f, 0.4f},
                                new float[2],
                                new float[] {1.5f, 0.6f},
                                new float[1]),
                        List.of(
                                new float[] {1f, 0f, 0f, 1f},
                                new float[2],
                                new float[] {0f, 0f},
                                new float[1]),
                        td);
        assertThat(m.tdLoss()).isCloseTo(0.29f, within(1e-6f));
        assertThat(m.conservativeLoss()).isCloseTo(0.227048281f, within(1e-6f));
        assertThat(m.totalLoss()).isCloseTo(0.517048281f, within(1e-6f));
        assertThat(m.meanQ()).isCloseTo(0.45f, within(1e-6f));
        assertThat(td[0]).isCloseTo(1.04f, within(1e-6f));
        assertThat(td[1]).isCloseTo(-0.4f, within(1e-6f));
    }

    @Test
    void iqlExpectileHalfIsTheSymmetricSquaredError() {
        // tau = 0.5 weighs u1 = -0.5 and u2 = 0.4 alike: value = 0.5 * (0.25 + 0.16) / 2 = 0.1025;
        // beta = 0 makes every policy weight 1: policy = (0.474076984 + 0.048587352) / 2
        //        = 0.261332168; conservative = 0.363832168 (td unchanged, 0.29)
        StepMetrics m =
                evaluate(
                        Map.of(
                                "trainer.algo", "iql",
                                "trainer.iql.expectile", "0.5",
                                "trainer.iql.beta", "0"),
                        List.of(
                                new float[] {0.5f, 1f, 1f, 0.4f},
                                new float[2],
                                new float[] {1.5f, 0.6f},
                                new float[1]),
                        List.of(
                                new float[] {1f, 0f, 0f, 1f},
                                new float[2],
                                new float[] {0f, 0f},
                                new float[1]),
                        new float[2]);
        assertThat(m.tdLoss()).isCloseTo(0.29f, within(1e-6f));
        assertThat(m.conservativeLoss()).isCloseTo(0.363832168f, within(1e-6f));
    }

    /** BCQ's imitation network g = s W_i, W_i = [[0, 0], [2, 0]] (bias 0). */
    private static StepMetrics bcq(String threshold, float[] tdErrorsOut) {
        List<float[]> imitation = List.of(new float[] {0f, 0f, 2f, 0f}, new float[2]);
        return evaluate(
                Map.of("trainer.algo", "bcq", "trainer.bcq.threshold", threshold),
                imitation,
                imitation,
                tdErrorsOut);
    }

    @Test
    void bcqBootstrapsFromTheBestActionTheImitationNetworkAllows() {
        // g(s1') = g([0, 1]) = [2, 0]: G(1|s1') / G(0|s1') = e^-2 = 0.135 < tau = 0.3, so only
        // action 0 is allowed although the online network prefers 1 (Q_online(s1') = [-1, 2]):
        // a* = 0, Q_target(s1', 0) = 1.0; y1 = 1 + 0.9 * 1.0 = 1.9, delta1 = 0.9, huber = 0.405
        // sample 2 terminal as in DQN: 0.5 * 1.5 = 0.75;  td = (0.405 + 0.75) / 2 = 0.5775
        // imitation cross-entropy: g(s1) = [0, 0], a1 = 0: ln 2 = 0.693147181
        //                          g(s2) = [2, 0], a2 = 1: ln(e^2 + 1) = 2.126928011
        //   conservative = (0.693147181 + 2.126928011) / 2 = 1.410037596; total = 1.987537596
        float[] td = new float[2];
        StepMetrics m = bcq("0.3", td);
        assertThat(m.tdLoss()).isCloseTo(0.5775f, within(1e-6f));
        assertThat(td[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(m.conservativeLoss()).isCloseTo(1.410037596f, within(1e-6f));
        assertThat(m.totalLoss()).isCloseTo(1.987537596f, within(1e-6f));
        assertThat(m.meanQ()).isCloseTo(1.5f, within(1e-6f));
    }

    @Test
    void bcqBelowTheRatioIsDoubleDqn() {
        // tau = 0.1 < e^-2 = 0.135 allows both actions: the Double DQN target, td = 0.4074
        float[] td = new float[2];
        StepMetrics m = bcq("0.1", td);
        assertThat(m.tdLoss()).isCloseTo(0.4074f, within(1e-6f));
        assertThat(td[0]).isCloseTo(0.36f, within(1e-6f));
    }

    @Test
    void weightDecayAddsLambdaTimesTheSumOfSquaredWeights() {
        // trainer.weight-decay = 0.01 on DQN (Huber): the TD part is dqnHuber's 0.5775; the
        // online variables are W_online and its zero bias (the target copy is not decayed):
        //   sum w^2 = 1.0^2 + 0.5^2 + (-1.0)^2 + 2.0^2 + 0 + 0 = 1 + 0.25 + 1 + 4 = 6.25
        //   total = 0.5775 + 0.01 * 6.25 = 0.64
        float[] td = new float[2];
        StepMetrics m =
                evaluate(
                        Map.of(
                                "trainer.algo", "dqn",
                                "trainer.loss", "huber",
                                "trainer.weight-decay", "0.01"),
                        List.of(),
                        List.of(),
                        td);
        assertThat(m.tdLoss()).isCloseTo(0.5775f, within(1e-6f));
        assertThat(m.totalLoss()).isCloseTo(0.64f, within(1e-6f));
        assertThat(td[0]).isCloseTo(0.9f, within(1e-6f));
        // 0 is exactly the loss without the key
        StepMetrics off =
                evaluate(
                        Map.of("trainer.algo", "dqn", "trainer.weight-decay", "0"),
                        List.of(),
                        List.of(),
                        new float[2]);
        assertThat(off.totalLoss()).isEqualTo(evaluate("dqn", "huber", new float[2]).totalLoss());
    }

    @Test
    void weightDecayCoversTheLossesExtraNetworksButNotTargets() {
        // BCQ trains an extra network (the imitation network), whose online copy is decayed with
        // the Q-network; its target copy (all 3s here) is not. Aux online weights
        // [[1, 0], [0, 1]], bias 0: sum 2; so sum w^2 = 6.25 + 2 = 8.25 and with lambda 0.1 the
        // decay term is 0.825. The difference of the totals with and without the key isolates it.
        List<float[]> aux = List.of(new float[] {1f, 0f, 0f, 1f}, new float[2]);
        List<float[]> auxTarget = List.of(new float[] {3f, 3f, 3f, 3f}, new float[2]);
        Map<String, String> bcq = Map.of("trainer.algo", "bcq", "trainer.bcq.threshold", "0.3");
        Map<String, String> decayed = new java.util.HashMap<>(bcq);
        decayed.put("trainer.weight-decay", "0.1");
        float without = evaluate(bcq, aux, auxTarget, new float[2]).totalLoss();
        float with = evaluate(decayed, aux, auxTarget, new float[2]).totalLoss();
        assertThat(with - without).isCloseTo(0.825f, within(1e-5f));
    }

    @Test
    void weightDecayIsValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TrainerConfig.fromMap(Map.of("trainer.weight-decay", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "trainer.weight-decay=-1.0 is invalid: must be finite and >= 0 (0 turns it"
                                + " off), e.g. 1e-4");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.algo", "impala",
                                                "trainer.weight-decay", "1e-4")))
                .hasMessageContaining("applies to the transition algorithms only")
                .hasMessageContaining("impala");
    }
}
