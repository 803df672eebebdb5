package io.replayflow.trainer.r2d2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.replay.segment.SegmentBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * R2D2's n-step Double DQN targets against values worked by hand. Two segments of T = 3, two
 * actions, gamma 0.5:
 *
 * <pre>
 *   segment 0: 3 valid steps, rewards 1 2 3, not terminated: bootstraps on bootstrap_obs
 *   segment 1: 2 valid steps, rewards 4 6, step 1 terminated, step 2 padding
 *
 *   row  Q_online   Q_target   argmax online -> Q_target
 *    0   [0, 1]     [10, 20]
 *    1   [5, 0]     [ 3,  7]   0 -> 3   (the target's own max, 7, is not taken: Double DQN)
 *    2   [0, 2]     [ 4,  8]   1 -> 8
 *    3   [1, 0]     [ 6,  9]
 *    4   [0, 1]     [ 2,  5]   1 -> 5
 *   boot 0  [3, 1]  [11, 30]   0 -> 11
 *   boot 1  [0, 1]  [100, 200] (terminated: never read)
 * </pre>
 */
@Timeout(10)
class R2d2TargetsTest {

    private static final float[] Q_ONLINE = {0, 1, 5, 0, 0, 2, 1, 0, 0, 1, 0, 0};
    private static final float[] Q_TARGET = {10, 20, 3, 7, 4, 8, 6, 9, 2, 5, 0, 0};
    private static final float[] BOOT_ONLINE = {3, 1, 0, 1};
    private static final float[] BOOT_TARGET = {11, 30, 100, 200};

    private static SegmentBatch batch(boolean secondTerminated) {
        SegmentBatch b = SegmentBatch.allocate(2, 3, 1);
        float[] rewards = {1, 2, 3, 4, 6, 0};
        float[] valid = {1, 1, 1, 1, 1, 0};
        System.arraycopy(rewards, 0, b.rewards(), 0, 6);
        System.arraycopy(valid, 0, b.valid(), 0, 6);
        b.bootstrapAlive()[0] = 1f;
        if (secondTerminated) {
            b.terminated()[4] = 1f;
        } else { // truncated: bootstrap from the truncated state's value
            b.bootstrapAlive()[1] = 1f;
        }
        return b;
    }

    private static float[] targets(SegmentBatch b, int n, double scale) {
        return R2d2Targets.compute(
                b, Q_ONLINE, Q_TARGET, BOOT_ONLINE, BOOT_TARGET, 2, 0.5, n, scale);
    }

    @Test
    void oneStepTargetsBootstrapOnTheNextStepOrTheBootstrapObservation() {
        // y00 = 1 + 0.5 * 3 = 2.5; y01 = 2 + 0.5 * 8 = 6; y02 = 3 + 0.5 * 11 = 8.5
        // y10 = 4 + 0.5 * 5 = 6.5; y11 = 6 (terminated); y12 = 0 (padding)
        assertThat(targets(batch(true), 1, 1.0)).containsExactly(2.5f, 6f, 8.5f, 6.5f, 6f, 0f);
    }

    @Test
    void nStepTargetsSumRewardsAndStopAtTheSegmentsEndOrATermination() {
        // y00 = 1 + 0.5 * 2 + 0.25 * 8 = 4; y01 = 2 + 0.5 * 3 + 0.25 * 11 = 6.25
        // y02 = 3 + 0.5 * 11 = 8.5 (one step left); y10 = 4 + 0.5 * 6 = 7 (terminated at t = 1)
        assertThat(targets(batch(true), 2, 1.0)).containsExactly(4f, 6.25f, 8.5f, 7f, 6f, 0f);
    }

    @Test
    void aTruncatedSegmentBootstrapsFromItsLastState() {
        // segment 1 truncated: y11 = 6 + 0.5 * Q_target(boot 1, argmax [0, 1] = 1) = 6 + 100
        assertThat(targets(batch(false), 1, 1.0)[4]).isEqualTo(106f);
        // y10 with n = 2: 4 + 0.5 * 6 + 0.25 * 200 = 57
        assertThat(targets(batch(false), 2, 1.0)[3]).isEqualTo(57f);
    }

    @Test
    void rewardsAreScaledBeforeTheBootstrapIsAdded() {
        // y00 = 0.5 * 1 + 0.5 * 3 = 2; y11 = 0.5 * 6 = 3
        float[] y = targets(batch(true), 1, 0.5);
        assertThat(y[0]).isEqualTo(2f);
        assertThat(y[4]).isEqualTo(3f);
    }

    @Test
    void refusesAnNOfZero() {
        assertThatThrownBy(() -> targets(batch(true), 0, 1.0))
                .hasMessageContaining("trainer.n-step=0 must be >= 1");
    }
}
