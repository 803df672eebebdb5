package io.replayflow.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.replay.segment.SegmentBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java half of the policy-gradient losses: advantages and value targets, worked by hand. */
@Timeout(10)
class PolicyGradientTargetsTest {

    private static final float GAMMA = 0.9f;

    /** One segment of {@code rewards.length} valid steps in a batch of length {@code length}. */
    private static SegmentBatch segment(
            int length, float[] rewards, float[] terminated, float alive) {
        SegmentBatch batch = SegmentBatch.allocate(1, length, 1);
        for (int t = 0; t < rewards.length; t++) {
            batch.rewards()[t] = rewards[t];
            batch.terminated()[t] = terminated[t];
            batch.valid()[t] = 1f;
            batch.behaviorProbs()[t] = 0.5f;
        }
        batch.bootstrapAlive()[0] = alive;
        return batch;
    }

    @Test
    void vtraceTargetsOfAThreeStepSegmentByHand() {
        // gamma = 0.9, r = [1, 0, 2], V(s_0..2) = [0.5, 1.0, 1.5], V(s_3) = 2.0 (alive)
        // pi/mu = [2.0, 0.5, 1.0], rho_bar = c_bar = 1 => rho = c = [1.0, 0.5, 1.0]
        // delta_2 = 1.0 * (2 + 0.9 * 2.0 - 1.5)  = 2.3
        // delta_1 = 0.5 * (0 + 0.9 * 1.5 - 1.0)  = 0.175
        // delta_0 = 1.0 * (1 + 0.9 * 1.0 - 0.5)  = 1.4
        // v_2 - V_2 = 2.3                                   => v_2 = 3.8
        // v_1 - V_1 = 0.175 + 0.9 * 0.5 * 2.3  = 1.21       => v_1 = 2.21
        // v_0 - V_0 = 1.4   + 0.9 * 1.0 * 1.21 = 2.489      => v_0 = 2.989
        // A_2 = 1.0 * (2 + 0.9 * 2.0  - 1.5) = 2.3            (v_3 = V(s_3))
        // A_1 = 0.5 * (0 + 0.9 * 3.8  - 1.0) = 1.21
        // A_0 = 1.0 * (1 + 0.9 * 2.21 - 0.5) = 2.489
        SegmentBatch batch = segment(3, new float[] {1, 0, 2}, new float[3], 1f);
        PolicyGradientLoss.Targets t =
                new VtraceLoss(1f, 1f)
                        .targets(
                                batch,
                                new float[] {0.5f, 1.0f, 1.5f},
                                new float[] {2.0f},
                                new float[] {2.0f, 0.5f, 1.0f},
                                GAMMA);
        assertThat(t.valueTarget()[0]).isCloseTo(2.989f, within(1e-5f));
        assertThat(t.valueTarget()[1]).isCloseTo(2.21f, within(1e-5f));
        assertThat(t.valueTarget()[2]).isCloseTo(3.8f, within(1e-5f));
        assertThat(t.advantage()[0]).isCloseTo(2.489f, within(1e-5f));
        assertThat(t.advantage()[1]).isCloseTo(1.21f, within(1e-5f));
        assertThat(t.advantage()[2]).isCloseTo(2.3f, within(1e-5f));
    }

    @Test
    void vtraceTruncatesTracesAtCBarSeparatelyFromRhoBar() {
        // Same segment, rho_bar = 1, c_bar = 0.25: rho = [1.0, 0.5, 1.0], c = [0.25, 0.25, 0.25]
        // v_2 - V_2 = 2.3                                     => v_2 = 3.8
        // v_1 - V_1 = 0.175 + 0.9 * 0.25 * 2.3   = 0.6925     => v_1 = 1.6925
        // v_0 - V_0 = 1.4   + 0.9 * 0.25 * 0.6925 = 1.5558125 => v_0 = 2.0558125
        // A_0 = 1.0 * (1 + 0.9 * 1.6925 - 0.5) = 2.02325
        SegmentBatch batch = segment(3, new float[] {1, 0, 2}, new float[3], 1f);
        PolicyGradientLoss.Targets t =
                new VtraceLoss(1f, 0.25f)
                        .targets(
                                batch,
                                new float[] {0.5f, 1.0f, 1.5f},
                                new float[] {2.0f},
                                new float[] {2.0f, 0.5f, 1.0f},
                                GAMMA);
        assertThat(t.valueTarget()[1]).isCloseTo(1.6925f, within(1e-5f));
        assertThat(t.valueTarget()[0]).isCloseTo(2.0558125f, within(1e-5f));
        assertThat(t.advantage()[0]).isCloseTo(2.02325f, within(1e-5f));
    }

    @Test
    void onPolicyVtraceIsTheNStepReturnOfA2c() {
        // pi = mu: every ratio 1, so rho = c = 1 and
        // v_t = sum_{k<n-t} gamma^k r_{t+k} + gamma^{n-t} V(s_n):
        // v_2 = 2 + 0.9 * 2.0 = 3.8;  v_1 = 0 + 0.9 * 3.8 = 3.42;  v_0 = 1 + 0.9 * 3.42 = 4.078
        SegmentBatch batch = segment(3, new float[] {1, 0, 2}, new float[3], 1f);
        float[] values = {0.5f, 1.0f, 1.5f};
        float[] ones = {1f, 1f, 1f};
        PolicyGradientLoss.Targets vtrace =
                new VtraceLoss(1f, 1f).targets(batch, values, new float[] {2f}, ones, GAMMA);
        PolicyGradientLoss.Targets a2c =
                new A2cLoss().targets(batch, values, new float[] {2f}, ones, GAMMA);
        assertThat(vtrace.valueTarget()[0]).isCloseTo(4.078f, within(1e-5f));
        assertThat(vtrace.valueTarget()[1]).isCloseTo(3.42f, within(1e-5f));
        assertThat(vtrace.valueTarget()[2]).isCloseTo(3.8f, within(1e-5f));
        for (int t = 0; t < 3; t++) {
            assertThat(vtrace.valueTarget()[t]).isCloseTo(a2c.valueTarget()[t], within(1e-5f));
            assertThat(vtrace.advantage()[t]).isCloseTo(a2c.advantage()[t], within(1e-5f));
        }
    }

    @Test
    void aTerminalStepStopsTheBootstrapAndPaddingGetsNothing() {
        // Two valid steps of four, the second terminal: G_1 = 2, G_0 = 1 + 0.9 * 2 = 2.8; the
        // bootstrap value 100 must not leak in.
        SegmentBatch batch = segment(4, new float[] {1, 2}, new float[] {0, 1}, 0f);
        float[] values = {0.5f, 1.0f, 0f, 0f};
        PolicyGradientLoss.Targets a2c =
                new A2cLoss()
                        .targets(
                                batch, values, new float[] {100f}, new float[] {1, 1, 1, 1}, GAMMA);
        assertThat(a2c.valueTarget())
                .containsExactly(new float[] {2.8f, 2f, 0f, 0f}, within(1e-6f));
        assertThat(a2c.advantage()).containsExactly(new float[] {2.3f, 1f, 0f, 0f}, within(1e-6f));
        PolicyGradientLoss.Targets vtrace =
                new VtraceLoss(1f, 1f)
                        .targets(
                                batch, values, new float[] {100f}, new float[] {1, 1, 1, 1}, GAMMA);
        assertThat(vtrace.valueTarget())
                .containsExactly(new float[] {2.8f, 2f, 0f, 0f}, within(1e-6f));
    }

    @Test
    void reinforceNormalisesMonteCarloReturnsOverTheBatch() {
        // Episode r = [1, 1, 1], terminated at the end: G = [1 + 0.9 * 1.9, 1 + 0.9, 1]
        //   = [2.71, 1.9, 1.0]; mean = 1.87, population std = sqrt(((0.84)^2 + 0.03^2 + 0.87^2)/3)
        //   = sqrt((0.7056 + 0.0009 + 0.7569) / 3) = sqrt(0.48780) = 0.698427
        // A = (G - 1.87) / 0.698427 = [1.202703, 0.042954, -1.245656]
        SegmentBatch batch = segment(3, new float[] {1, 1, 1}, new float[] {0, 0, 1}, 0f);
        PolicyGradientLoss.Targets t =
                new ReinforceLoss()
                        .targets(
                                batch,
                                new float[] {9, 9, 9},
                                new float[] {5f},
                                new float[3],
                                GAMMA);
        assertThat(t.valueTarget()).containsExactly(new float[] {2.71f, 1.9f, 1f}, within(1e-5f));
        assertThat(t.advantage()[0]).isCloseTo(1.202703f, within(1e-4f));
        assertThat(t.advantage()[1]).isCloseTo(0.042954f, within(1e-4f));
        assertThat(t.advantage()[2]).isCloseTo(-1.245656f, within(1e-4f));
    }

    @Test
    void vtraceRejectsNonPositiveTruncation() {
        assertThatThrownBy(() -> new VtraceLoss(0f, 1f))
                .hasMessageContaining("rho_bar = 0.0 and c_bar = 1.0 must be > 0");
    }
}
