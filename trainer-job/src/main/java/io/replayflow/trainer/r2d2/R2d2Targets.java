package io.replayflow.trainer.r2d2;

import io.replayflow.replay.segment.SegmentBatch;

/**
 * R2D2's n-step Double DQN targets over one batch of segments, computed in Java from the forward
 * pass (Kapturowski et al., ICLR 2019, without its value rescaling {@code h}; van Hasselt et al.,
 * AAAI 2016 for the Double DQN bootstrap). For a valid step {@code t} of a segment whose last valid
 * step is {@code L}, with {@code m = min(n, L - t + 1)} steps ahead:
 *
 * <pre>
 *   y_t = sum_{k<m} gamma^k r_{t+k}  +  gamma^m alive * Q_target(s', argmax_a Q_online(s', a))
 *   s'  = s_{t+m}            if t + m <= L        (a later step of the same segment), alive = 1
 *       = bootstrap_obs      if t + m == L + 1    (next_obs of the last valid step),
 *                                                 alive = bootstrap_alive (0 if it terminated)
 * </pre>
 *
 * Both networks are unrolled over the same segment from their own burnt-in start states, so {@code
 * Q(s_{t+m}, .)} is read from the unroll's row {@code t + m} and {@code Q(bootstrap_obs, .)} is one
 * more cell step after step {@code L}. A truncated episode keeps {@code alive = 1} (the value of
 * the truncated state is bootstrapped); padding gets {@code y = 0} and is masked out of the loss.
 * Rewards are multiplied by {@code rewardScale} first ({@code trainer.pg.reward-scale}).
 */
public final class R2d2Targets {

    private R2d2Targets() {}

    /**
     * @param qOnline {@code Q_online(s_i, .)} {@code [B * T * A]}
     * @param qTarget {@code Q_target(s_i, .)} {@code [B * T * A]}
     * @param bootOnline {@code Q_online(bootstrap_obs_b, .)} {@code [B * A]}
     * @param bootTarget {@code Q_target(bootstrap_obs_b, .)} {@code [B * A]}
     * @param n the n of n-step returns, >= 1
     * @return {@code y} {@code [B * T]}, 0 on padding
     */
    public static float[] compute(
            SegmentBatch batch,
            float[] qOnline,
            float[] qTarget,
            float[] bootOnline,
            float[] bootTarget,
            int numActions,
            double gamma,
            int n,
            double rewardScale) {
        if (n < 1) {
            throw new IllegalArgumentException("trainer.n-step=" + n + " must be >= 1");
        }
        int T = batch.length();
        float[] y = new float[batch.size() * T];
        for (int b = 0; b < batch.size(); b++) {
            int last = lastValid(batch, b);
            for (int t = 0; t <= last; t++) {
                int m = Math.min(n, last - t + 1);
                double ret = 0;
                double discount = 1;
                boolean terminated = false;
                for (int k = 0; k < m; k++) {
                    int i = batch.index(b, t + k);
                    ret += discount * batch.rewards()[i] * rewardScale;
                    discount *= gamma;
                    if (batch.terminated()[i] != 0f) { // only ever the last valid step
                        terminated = true;
                        break;
                    }
                }
                double bootstrap = 0;
                if (!terminated) {
                    if (t + m <= last) {
                        int next = batch.index(b, t + m);
                        bootstrap = doubleQ(qOnline, qTarget, next, numActions);
                    } else if (batch.bootstrapAlive()[b] != 0f) {
                        bootstrap = doubleQ(bootOnline, bootTarget, b, numActions);
                    }
                }
                y[batch.index(b, t)] = (float) (ret + discount * bootstrap);
            }
        }
        return y;
    }

    /** {@code Q_target(row, argmax_a Q_online(row, a))}, the first maximum on ties. */
    static double doubleQ(float[] online, float[] target, int row, int numActions) {
        int base = row * numActions;
        int best = 0;
        for (int a = 1; a < numActions; a++) {
            if (online[base + a] > online[base + best]) {
                best = a;
            }
        }
        return target[base + best];
    }

    /** The last valid step of segment {@code b} (valid steps are a prefix), -1 if none. */
    static int lastValid(SegmentBatch batch, int b) {
        int last = -1;
        for (int t = 0; t < batch.length(); t++) {
            if (batch.valid()[batch.index(b, t)] != 0f) {
                last = t;
            } else {
                break;
            }
        }
        return last;
    }
}
