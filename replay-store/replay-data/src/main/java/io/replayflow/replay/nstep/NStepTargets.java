package io.replayflow.replay.nstep;

import java.util.Objects;

/**
 * n-step targets and Monte-Carlo returns of one run of consecutive steps {@code 0..T-1} of an
 * episode (Sutton and Barto, "Reinforcement Learning: An Introduction", 2nd ed., section 7.1;
 * n-step DQN as in Hessel et al., "Rainbow", AAAI 2018). For row {@code t}:
 *
 * <pre>
 *   k_t   = min(n, T - t)                               rewards summed
 *   G_t   = sum_{i=0}^{k_t - 1} gamma^i * r_{t+i}        nStepReturn
 *   b_t   = t + k_t - 1                                 row whose next_obs is the bootstrap obs
 *   D_t   = gamma^{k_t}                                 bootstrapDiscount
 *   cut_t = end == TERMINATED and t + k_t == T          termination reached: no bootstrap
 *   y_t   = G_t + (cut_t ? 0 : D_t * max_a Q(next_obs_{b_t}, a))    the learner's target
 *
 *   R_t   = r_t + gamma * R_{t+1},  R_T = 0             returnToGo, when the end was seen
 * </pre>
 *
 * A truncated episode still bootstraps at its tail (the time limit is not a terminal state), with a
 * shorter k. An {@link EpisodeEnd#OPEN} run is treated the same way and gets no return-to-go (NaN).
 * Sums run in double and are stored as float.
 *
 * <p>Pure and stateless; O(T) time, no allocation beyond the result.
 */
public final class NStepTargets {

    private NStepTargets() {}

    /**
     * Computes the targets of every row of a run.
     *
     * @param rewards {@code [T]} rewards of consecutive steps
     * @param end how the run ends (its last step)
     * @param n steps to sum, >= 1
     * @param gamma discount in [0, 1]
     */
    public static Result compute(float[] rewards, EpisodeEnd end, int n, double gamma) {
        Objects.requireNonNull(rewards, "rewards");
        Objects.requireNonNull(end, "end");
        checkSettings(n, gamma);
        int length = rewards.length;
        float[] nStepReturn = new float[length];
        int[] count = new int[length];
        int[] bootstrapIndex = new int[length];
        float[] discount = new float[length];
        boolean[] cut = new boolean[length];
        float[] returnToGo = new float[length];
        double[] powers = new double[n + 1];
        powers[0] = 1.0;
        for (int i = 1; i <= n; i++) {
            powers[i] = powers[i - 1] * gamma;
        }
        for (int t = 0; t < length; t++) {
            int k = Math.min(n, length - t);
            double g = 0.0;
            for (int i = 0; i < k; i++) {
                g += powers[i] * rewards[t + i];
            }
            nStepReturn[t] = (float) g;
            count[t] = k;
            bootstrapIndex[t] = t + k - 1;
            discount[t] = (float) powers[k];
            cut[t] = end == EpisodeEnd.TERMINATED && t + k == length;
        }
        double future = 0.0;
        for (int t = length - 1; t >= 0; t--) {
            future = rewards[t] + gamma * future;
            returnToGo[t] = end.complete() ? (float) future : Float.NaN;
        }
        return new Result(nStepReturn, count, bootstrapIndex, discount, cut, returnToGo);
    }

    /**
     * Rejects settings the targets are not defined for, naming the option.
     *
     * @throws IllegalArgumentException for {@code n < 1} or gamma outside [0, 1]
     */
    public static void checkSettings(int n, double gamma) {
        if (n < 1) {
            throw new IllegalArgumentException(
                    "replay.n-step is " + n + "; it must be >= 1 (1 is the one-step TD target)");
        }
        if (!(gamma >= 0.0 && gamma <= 1.0)) {
            throw new IllegalArgumentException(
                    "replay.gamma is " + gamma + "; it must be in [0, 1] (0.99 is usual)");
        }
    }

    /**
     * The targets of a run, one entry per row ({@code [T]} each).
     *
     * @param nStepReturn G_t
     * @param count k_t
     * @param bootstrapIndex b_t, the row whose next_obs to bootstrap from
     * @param bootstrapDiscount gamma^k_t
     * @param bootstrapCut whether termination cuts the bootstrap
     * @param returnToGo R_t, NaN for an open run
     */
    public record Result(
            float[] nStepReturn,
            int[] count,
            int[] bootstrapIndex,
            float[] bootstrapDiscount,
            boolean[] bootstrapCut,
            float[] returnToGo) {}
}
