package io.replayflow.trainer.ope;

import java.util.List;

/**
 * Per-decision importance sampling (Precup, Sutton and Singh, "Eligibility Traces for Off-Policy
 * Policy Evaluation", ICML 2000): each reward is weighted by the likelihood ratio of the actions up
 * to and including it only,
 *
 * <pre>
 *   rho_t^i = prod_{k<=t} pi(a_k^i|s_k^i) / mu(a_k^i|s_k^i)
 *   V_PDIS  = 1/n sum_i sum_t gamma^t rho_t^i r_t^i
 * </pre>
 *
 * Unbiased when {@code mu > 0} wherever {@code pi > 0}; its variance grows with the horizon.
 */
public final class PerDecisionIs implements OpeEstimator {

    @Override
    public String id() {
        return "pdis";
    }

    @Override
    public double estimate(List<LoggedEpisode> episodes, double gamma) {
        double sum = 0;
        for (LoggedEpisode e : episodes) {
            double[] rho = e.cumulativeWeights();
            double discount = 1;
            for (int t = 0; t < e.length(); t++) {
                sum += discount * rho[t] * e.reward()[t];
                discount *= gamma;
            }
        }
        return sum / episodes.size();
    }
}
