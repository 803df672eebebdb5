package io.replayflow.trainer.ope;

import java.util.List;

/**
 * Weighted per-decision importance sampling (Precup et al. 2000; Thomas, "Safe Reinforcement
 * Learning", 2015, section 3.6): at each step the weights are normalised over episodes,
 *
 * <pre>
 *   V_WPDIS = sum_t gamma^t (sum_i rho_t^i r_t^i) / (sum_i rho_t^i)
 * </pre>
 *
 * An episode that ended before step {@code t} stays in the denominator with its last weight and
 * reward 0 (it sits in an absorbing state), so that short and long episodes are averaged alike. A
 * step whose weights are all 0 adds nothing. Biased but consistent, with far lower variance than
 * {@link PerDecisionIs}.
 */
public final class WeightedPerDecisionIs implements OpeEstimator {

    @Override
    public String id() {
        return "wpdis";
    }

    @Override
    public double estimate(List<LoggedEpisode> episodes, double gamma) {
        int horizon = episodes.stream().mapToInt(LoggedEpisode::length).max().orElse(0);
        double[] numerator = new double[horizon];
        double[] denominator = new double[horizon];
        for (LoggedEpisode e : episodes) {
            double[] rho = e.cumulativeWeights();
            for (int t = 0; t < horizon; t++) {
                double w = rho[Math.min(t, rho.length - 1)];
                denominator[t] += w;
                if (t < rho.length) {
                    numerator[t] += w * e.reward()[t];
                }
            }
        }
        double value = 0;
        double discount = 1;
        for (int t = 0; t < horizon; t++) {
            if (denominator[t] > 0) {
                value += discount * numerator[t] / denominator[t];
            }
            discount *= gamma;
        }
        return value;
    }
}
