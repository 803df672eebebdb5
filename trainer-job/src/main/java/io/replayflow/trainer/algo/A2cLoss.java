package io.replayflow.trainer.algo;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.trainer.Algo;

/**
 * Advantage actor-critic (Mnih et al., "Asynchronous Methods for Deep Reinforcement Learning", ICML
 * 2016, synchronous form) on n-step returns over each segment, bootstrapped from the value of the
 * segment's bootstrap observation:
 *
 * <pre>
 *   G_n = alive * V(s_n)                      (0 when the last valid step terminated the episode)
 *   G_t = r_t + gamma_t G_{t+1}               (t = n-1 .. 0; gamma_t = 0 at a terminal step)
 *   A_t = G_t - V(s_t),  v_t = G_t            (each step gets the longest return its segment has)
 * </pre>
 *
 * with the shared loss of {@link PolicyGradientLoss} (value coefficient {@code c_v}, entropy bonus
 * {@code c_e}). No importance correction: on a stream the actors' policy lags the learner's, and
 * this loss ignores it (the baseline that {@link VtraceLoss} corrects).
 */
public class A2cLoss extends PolicyGradientLoss {

    @Override
    public Algo algo() {
        return Algo.A2C;
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
            float g = bootstrapValues[b]; // multiplied by alive through discount(n - 1)
            for (int t = n - 1; t >= 0; t--) {
                int i = batch.index(b, t);
                g = batch.rewards()[i] + discount(batch, b, t, n, gamma) * g;
                target[i] = g;
                advantage[i] = g - values[i];
            }
        }
        return new Targets(advantage, target);
    }
}
