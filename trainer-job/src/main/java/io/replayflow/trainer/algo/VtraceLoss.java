package io.replayflow.trainer.algo;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.trainer.Algo;

/**
 * IMPALA's V-trace actor-critic (Espeholt et al., "IMPALA: Scalable Distributed Deep-RL with
 * Importance Weighted Actor-Learner Architectures", ICML 2018, section 4), over each segment with
 * {@code n} valid steps, behaviour policy {@code mu} (the logged probabilities) and learner policy
 * {@code pi}:
 *
 * <pre>
 *   rho_t   = min(rho_bar, pi(a_t|s_t) / mu(a_t|s_t))     c_t = min(c_bar, pi(a_t|s_t) / mu(a_t|s_t))
 *   delta_t = rho_t (r_t + gamma_t V(s_{t+1}) - V(s_t))    (V(s_n): the bootstrap observation's value)
 *   v_t - V(s_t) = delta_t + gamma_t c_t (v_{t+1} - V(s_{t+1})),   v_n = V(s_n)   (eq. 1, backwards)
 *   A_t = rho_t (r_t + gamma_t v_{t+1} - V(s_t))            (the policy-gradient advantage, section 4.2)
 * </pre>
 *
 * where {@code gamma_t = gamma}, 0 at a terminal step. Value targets are {@code v_t}, trained with
 * the value coefficient and entropy bonus of {@link PolicyGradientLoss}. With {@code pi = mu} and
 * {@code rho_bar = c_bar = 1} every {@code rho_t = c_t = 1} and {@code v_t} is the n-step return of
 * {@link A2cLoss}. Defaults {@code rho_bar = c_bar = 1} as in the paper; lambda is 1 (no trace
 * cutting beyond c_bar).
 */
public class VtraceLoss extends PolicyGradientLoss {

    private final float rhoBar;
    private final float cBar;

    /**
     * @param rhoBar truncation of the importance weight in the targets and advantages, > 0
     * @param cBar truncation of the trace coefficients, > 0 (the paper assumes rho_bar >= c_bar)
     */
    public VtraceLoss(float rhoBar, float cBar) {
        if (!(rhoBar > 0f) || !(cBar > 0f)) {
            throw new IllegalArgumentException(
                    "V-trace truncation levels rho_bar = "
                            + rhoBar
                            + " and c_bar = "
                            + cBar
                            + " must be > 0 (trainer.vtrace.rho-bar, trainer.vtrace.c-bar;"
                            + " the paper uses 1)");
        }
        this.rhoBar = rhoBar;
        this.cBar = cBar;
    }

    @Override
    public Algo algo() {
        return Algo.IMPALA;
    }

    @Override
    public Targets targets(
            SegmentBatch batch,
            float[] values,
            float[] bootstrapValues,
            float[] ratios,
            float gamma) {
        float[] advantage = new float[batch.size() * batch.length()];
        float[] target = new float[advantage.length];
        for (int b = 0; b < batch.size(); b++) {
            int n = validSteps(batch, b);
            float nextValue = bootstrapValues[b]; // V(s_{t+1})
            float nextTarget = bootstrapValues[b]; // v_{t+1}; v_n = V(s_n)
            for (int t = n - 1; t >= 0; t--) {
                int i = batch.index(b, t);
                float g = discount(batch, b, t, n, gamma);
                float rho = Math.min(rhoBar, ratios[i]);
                float c = Math.min(cBar, ratios[i]);
                float r = batch.rewards()[i];
                float delta = rho * (r + g * nextValue - values[i]);
                float vMinusV = delta + g * c * (nextTarget - nextValue);
                target[i] = values[i] + vMinusV;
                advantage[i] = rho * (r + g * nextTarget - values[i]);
                nextValue = values[i];
                nextTarget = target[i];
            }
        }
        return new Targets(advantage, target);
    }
}
