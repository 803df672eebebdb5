package io.replayflow.trainer.algo;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.trainer.Algo;

/**
 * REINFORCE (Williams, "Simple Statistical Gradient-Following Algorithms for Connectionist
 * Reinforcement Learning", Machine Learning 8, 1992) with normalised Monte-Carlo returns, as the
 * TensorFlow REINFORCE tutorial trains it. Each row of the batch is one whole episode (assembled
 * from its segments by {@code io.replayflow.trainer.pg.EpisodeAssembler}):
 *
 * <pre>
 *   G_t  = r_t + gamma G_{t+1},  G_n = alive * V(s_n)      (Monte-Carlo return to the episode's end)
 *   A_t  = (G_t - mean(G)) / (std(G) + 1e-8)               (mean, std over every step of the batch)
 *   v_t  = G_t                                             (trains the value head, unused by A)
 * </pre>
 *
 * {@code alive} is 0 for an episode that terminated; an episode cut by its time limit is
 * bootstrapped from the value head at its last observation (a deviation: pure Monte-Carlo would
 * treat the cut as an end). No importance correction; the value head is trained only so that the
 * exported artifact's {@code value} output means something.
 */
public class ReinforceLoss extends PolicyGradientLoss {

    private static final double EPSILON = 1e-8;

    @Override
    public Algo algo() {
        return Algo.REINFORCE;
    }

    @Override
    public Targets targets(
            SegmentBatch batch,
            float[] values,
            float[] bootstrapValues,
            float[] ratios,
            float gamma) {
        float[] returns = new float[batch.size() * batch.length()];
        double sum = 0;
        double sumSq = 0;
        long count = 0;
        for (int b = 0; b < batch.size(); b++) {
            int n = validSteps(batch, b);
            float g = bootstrapValues[b];
            for (int t = n - 1; t >= 0; t--) {
                int i = batch.index(b, t);
                g = batch.rewards()[i] + discount(batch, b, t, n, gamma) * g;
                returns[i] = g;
                sum += g;
                sumSq += (double) g * g;
                count++;
            }
        }
        double mean = count == 0 ? 0 : sum / count;
        double std = count == 0 ? 0 : Math.sqrt(Math.max(0, sumSq / count - mean * mean));
        float[] advantage = new float[returns.length];
        for (int b = 0; b < batch.size(); b++) {
            int n = validSteps(batch, b);
            for (int t = 0; t < n; t++) {
                int i = batch.index(b, t);
                advantage[i] = (float) ((returns[i] - mean) / (std + EPSILON));
            }
        }
        return new Targets(advantage, returns);
    }
}
