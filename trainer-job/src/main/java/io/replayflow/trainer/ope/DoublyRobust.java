package io.replayflow.trainer.ope;

import java.util.List;

/**
 * Doubly robust estimation (Jiang and Li, "Doubly Robust Off-policy Value Evaluation for
 * Reinforcement Learning", ICML 2016; per-decision form of Thomas and Brunskill, ICML 2016) with a
 * model {@code q, v} (here FQE's): the model's value corrected by importance-weighted TD residuals,
 *
 * <pre>
 *   V_DR = 1/n sum_i sum_t gamma^t ( rho_t^i r_t^i - ( rho_t^i q(s_t^i, a_t^i) - rho_{t-1}^i v(s_t^i) ) )
 *        = 1/n sum_i [ v(s_0^i) + sum_t gamma^t rho_t^i ( r_t^i + gamma v(s_{t+1}^i) - q(s_t^i, a_t^i) ) ]
 * </pre>
 *
 * with {@code rho_{-1} = 1} and {@code v} of the state after the last step 0. Unbiased when the
 * weights are exact; low variance when the model is good.
 */
public final class DoublyRobust implements OpeEstimator {

    @Override
    public String id() {
        return "dr";
    }

    @Override
    public double estimate(List<LoggedEpisode> episodes, double gamma) {
        double sum = 0;
        for (LoggedEpisode e : episodes) {
            if (e.modelQ() == null) {
                throw new IllegalArgumentException("doubly robust needs model values (FQE)");
            }
            double[] rho = e.cumulativeWeights();
            double previous = 1; // rho_{t-1}
            double discount = 1;
            for (int t = 0; t < e.length(); t++) {
                sum +=
                        discount
                                * (rho[t] * e.reward()[t]
                                        - (rho[t] * e.modelQ()[t] - previous * e.modelV()[t]));
                previous = rho[t];
                discount *= gamma;
            }
        }
        return sum / episodes.size();
    }
}
