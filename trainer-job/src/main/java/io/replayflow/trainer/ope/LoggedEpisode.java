package io.replayflow.trainer.ope;

import java.util.Objects;

/**
 * One logged episode as the estimators see it, step {@code t = 0..T-1} in order.
 *
 * @param reward {@code r_t}
 * @param behaviorProb {@code mu(a_t|s_t)}, the logged {@code behavior_prob} of the action taken, in
 *     (0, 1]
 * @param targetProb {@code pi(a_t|s_t)} of the evaluated policy for the same action (for a greedy
 *     policy: 1 where it takes {@code a_t}, else 0)
 * @param modelQ {@code q(s_t, a_t)} of a fitted model (FQE), or null when no model is used
 * @param modelV {@code v(s_t) = sum_a pi(a|s_t) q(s_t, a)} of the same model, or null
 */
public record LoggedEpisode(
        double[] reward,
        double[] behaviorProb,
        double[] targetProb,
        double[] modelQ,
        double[] modelV) {

    public LoggedEpisode {
        Objects.requireNonNull(reward, "reward");
        int n = reward.length;
        if (n == 0) {
            throw new IllegalArgumentException("an episode needs at least one step");
        }
        if (behaviorProb.length != n || targetProb.length != n) {
            throw new IllegalArgumentException(
                    "reward, behaviorProb and targetProb must have one value per step");
        }
        if ((modelQ == null) != (modelV == null)
                || (modelQ != null && (modelQ.length != n || modelV.length != n))) {
            throw new IllegalArgumentException(
                    "modelQ and modelV come together, one value per step");
        }
        for (double mu : behaviorProb) {
            if (!(mu > 0 && mu <= 1)) {
                throw new IllegalArgumentException(
                        "behavior_prob "
                                + mu
                                + " is outside (0, 1]: importance weights need the exact"
                                + " probability of each logged action");
            }
        }
    }

    /** An episode without model values (for the importance-sampling estimators). */
    public static LoggedEpisode of(double[] reward, double[] behaviorProb, double[] targetProb) {
        return new LoggedEpisode(reward, behaviorProb, targetProb, null, null);
    }

    public int length() {
        return reward.length;
    }

    /**
     * Cumulative importance weights {@code rho_t = prod_{k<=t} pi(a_k|s_k) / mu(a_k|s_k)}, {@code
     * [T]}.
     */
    public double[] cumulativeWeights() {
        double[] rho = new double[reward.length];
        double w = 1;
        for (int t = 0; t < rho.length; t++) {
            w *= targetProb[t] / behaviorProb[t];
            rho[t] = w;
        }
        return rho;
    }

    /** The whole-episode weight {@code rho_{T-1}}. */
    public double weight() {
        double[] rho = cumulativeWeights();
        return rho[rho.length - 1];
    }
}
