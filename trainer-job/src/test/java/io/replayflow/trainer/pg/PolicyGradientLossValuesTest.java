package io.replayflow.trainer.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.trainer.TransitionSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A2C and REINFORCE loss values through the real graph, on a linear actor-critic with fixed
 * weights, against numbers worked out by hand; and the direction of one gradient step.
 *
 * <pre>
 * obs dim 2, 2 actions, no hidden layer: [logit_0, logit_1, V] = s W + b, b = 0,
 *   W = [[1, 0, 0.5],       (kernel [in, out])
 *        [0, 0, 1.0]]
 * segment (B = 1, T = 2): s_0 = [1, 0], a_0 = 0, r_0 = 1;  s_1 = [0, 1], a_1 = 1, r_1 = 1
 *   logits(s_0) = [1, 0], V(s_0) = 0.5;  logits(s_1) = [0, 0], V(s_1) = 1.0
 *   log pi(0|s_0) = 1 - log(e + 1) = -0.3132617;  log pi(1|s_1) = -log 2 = -0.6931472
 *   H(s_0) = 0.7310586 * 0.3132617 + 0.2689414 * 1.3132617 = 0.5822031;  H(s_1) = 0.6931472
 *   mean entropy = 0.6376752
 * gamma = 0.9, c_v = 0.5, c_e = 0.01
 * </pre>
 */
@Timeout(60)
class PolicyGradientLossValuesTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);
    private static final List<float[]> WEIGHTS =
            List.of(new float[] {1f, 0f, 0.5f, 0f, 0f, 1f}, new float[3]);

    private static SegmentConfig config(String algo, String entropyCoef, String valueCoef) {
        Map<String, String> raw = new HashMap<>();
        raw.put("trainer.algo", algo);
        raw.put("trainer.actor-critic.hidden", "");
        raw.put("trainer.gamma", "0.9");
        raw.put("trainer.pg.entropy-coef", entropyCoef);
        raw.put("trainer.pg.value-coef", valueCoef);
        raw.put("trainer.threads.inter-op", "-1");
        raw.put("trainer.threads.intra-op", "1");
        return SegmentConfig.fromMap(raw);
    }

    /** The two-step segment above; ends alive with bootstrap obs [1, 1], or terminated. */
    private static SegmentBatch segment(boolean terminated) {
        SegmentBatch b = SegmentBatch.allocate(1, 2, 2);
        System.arraycopy(new float[] {1, 0, 0, 1}, 0, b.obs(), 0, 4);
        b.actions()[1] = 1;
        b.rewards()[0] = 1f;
        b.rewards()[1] = 1f;
        b.behaviorProbs()[0] = 0.5f;
        b.behaviorProbs()[1] = 0.5f;
        b.valid()[0] = 1f;
        b.valid()[1] = 1f;
        b.policyVersions()[0] = 3;
        b.policyVersions()[1] = 4;
        b.eventTimeMs()[0] = 1_000;
        b.eventTimeMs()[1] = 3_000;
        b.terminated()[1] = terminated ? 1f : 0f;
        b.bootstrapObs()[0] = 1f;
        b.bootstrapObs()[1] = 1f;
        b.bootstrapAlive()[0] = terminated ? 0f : 1f;
        return b;
    }

    private static PgStepMetrics evaluate(String algo, boolean terminated) {
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(config(algo, "0.01", "0.5"), SPEC)) {
            learner.setWeights(WEIGHTS);
            return learner.evaluate(segment(terminated), 6, 5_000);
        }
    }

    @Test
    void a2cLoss() {
        // V(bootstrap [1, 1]) = 1.5
        // G_1 = 1 + 0.9 * 1.5 = 2.35, G_0 = 1 + 0.9 * 2.35 = 3.115
        // A_1 = 2.35 - 1.0 = 1.35,    A_0 = 3.115 - 0.5 = 2.615
        // policy = -(2.615 * -0.3132617 + 1.35 * -0.6931472) / 2 = 0.8774636
        // value  = 0.5 * (2.615^2 + 1.35^2) / 2 = 0.5 * (6.838225 + 1.8225) / 2 = 2.1651813
        // total  = 0.8774636 + 1.0825906 - 0.0063768 = 1.9536774
        PgStepMetrics m = evaluate("a2c", false);
        assertThat(m.policyLoss()).isCloseTo(0.8774636f, within(1e-5f));
        assertThat(m.valueLoss()).isCloseTo(2.1651813f, within(1e-5f));
        assertThat(m.entropy()).isCloseTo(0.6376752f, within(1e-5f));
        assertThat(m.totalLoss()).isCloseTo(1.9536774f, within(1e-5f));
        assertThat(m.step()).isZero();
    }

    @Test
    void rewardScaleMultipliesTheRewardsBeforeTheTargets() {
        // trainer.pg.reward-scale = 0.5: r_0 = r_1 = 0.5, V(bootstrap) = 1.5 as above
        // G_1 = 0.5 + 0.9 * 1.5 = 1.85, G_0 = 0.5 + 0.9 * 1.85 = 2.165
        // A_1 = 1.85 - 1.0 = 0.85,     A_0 = 2.165 - 0.5 = 1.665
        // policy = -(1.665 * -0.3132617 + 0.85 * -0.6931472) / 2 = 0.5553779
        // value  = 0.5 * (1.665^2 + 0.85^2) / 2 = 0.8736813
        Map<String, String> raw = new HashMap<>(config("a2c", "0.01", "0.5").toMap());
        raw.put("trainer.pg.reward-scale", "0.5");
        SegmentBatch batch = segment(false);
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(SegmentConfig.fromMap(raw), SPEC)) {
            learner.setWeights(WEIGHTS);
            PgStepMetrics m = learner.evaluate(batch, 6, 5_000);
            assertThat(m.policyLoss()).isCloseTo(0.5553779f, within(1e-5f));
            assertThat(m.valueLoss()).isCloseTo(0.8736813f, within(1e-5f));
        }
        assertThat(batch.rewards()).as("the batch is not changed").containsExactly(1f, 1f);
        raw.put("trainer.pg.reward-scale", "0");
        assertThatThrownBy(() -> SegmentConfig.fromMap(raw))
                .hasMessageContaining("trainer.pg.reward-scale=0.0 must be a finite number > 0");
    }

    @Test
    void reinforceLoss() {
        // The episode terminates at step 1: G_1 = 1, G_0 = 1 + 0.9 = 1.9; mean 1.45, std 0.45
        // A = [1, -1]
        // policy = -(1 * -0.3132617 + -1 * -0.6931472) / 2 = -0.1899428
        // value  = 0.5 * ((1.9 - 0.5)^2 + (1 - 1)^2) / 2 = 0.49
        // total  = -0.1899428 + 0.5 * 0.49 - 0.01 * 0.6376752 = 0.0486805
        PgStepMetrics m = evaluate("reinforce", true);
        assertThat(m.policyLoss()).isCloseTo(-0.1899428f, within(1e-5f));
        assertThat(m.valueLoss()).isCloseTo(0.49f, within(1e-5f));
        assertThat(m.totalLoss()).isCloseTo(0.0486805f, within(1e-5f));
    }

    @Test
    void lagAndImportanceRatiosOfTheBatch() {
        // learner version 6, acted by 3 and 4: lags 3 and 2; at 5 s, acted at 1 s and 3 s.
        // pi(0|s_0) = 0.7310586, pi(1|s_1) = 0.5; mu = 0.5: ratios 1.4621172 and 1.0
        SegmentStats s = evaluate("impala", false).stats();
        assertThat(s.steps()).isEqualTo(2);
        assertThat(s.meanLagVersions()).isEqualTo(2.5);
        assertThat(s.maxLagVersions()).isEqualTo(3);
        assertThat(s.meanLagSeconds()).isEqualTo(3.0);
        assertThat(s.meanRatio()).isCloseTo(1.2310586, within(1e-5));
        assertThat(s.maxRatio()).isCloseTo(1.4621172, within(1e-5));
    }

    @Test
    void aPositiveAdvantageRaisesTheTakenActionsLogProbability() {
        // Only the policy term (c_v = c_e = 0): one SGD step on A_0 = G_0 - V(s_0) > 0 must raise
        // log pi(a_0|s_0); a negative reward that makes A_0 < 0 must lower it.
        for (float reward : new float[] {5f, -5f}) {
            try (PolicyGradientLearner learner =
                    PolicyGradientLearner.create(config("a2c", "0", "0"), SPEC)) {
                learner.setWeights(WEIGHTS);
                SegmentBatch batch = segment(true);
                batch.valid()[1] = 0f; // one step: s_0, a_0 = 0, terminal
                batch.terminated()[0] = 1f;
                batch.rewards()[0] = reward;
                batch.rewards()[1] = 0f;
                double before = logPi0(learner.weights());
                PgStepMetrics m = learner.step(batch, 0, 0);
                double after = logPi0(learner.weights());
                assertThat(m.step()).isEqualTo(1);
                if (reward > 0) {
                    assertThat(after).isGreaterThan(before);
                } else {
                    assertThat(after).isLessThan(before);
                }
            }
        }
    }

    /** log pi(0 | [1, 0]) from the linear weights: logits are row 0 of W plus b. */
    private static double logPi0(List<float[]> w) {
        float[] kernel = w.get(0);
        float[] bias = w.get(1);
        double l0 = kernel[0] + bias[0];
        double l1 = kernel[1] + bias[1];
        return l0 - Math.log(Math.exp(l0) + Math.exp(l1));
    }
}
