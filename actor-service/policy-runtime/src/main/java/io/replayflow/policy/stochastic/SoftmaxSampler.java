package io.replayflow.policy.stochastic;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Draws one action per row from {@code pi(.|s) = softmax(logits)} and reports {@code pi(a|s)} of
 * the action drawn, computed from the same distribution the draw used (so the logged behaviour
 * probability is exactly the probability of what happened):
 *
 * <pre>
 *   pi(a|s) = exp(l_a - max_b l_b) / sum_b exp(l_b - max_b l_b)      (max subtracted: no overflow)
 *   a       = min { a : u < sum_{b <= a} pi(b|s) },   u ~ U[0, 1)     (inverse CDF)
 * </pre>
 *
 * The arithmetic runs in double; the reported probability is rounded to float and clamped to the
 * smallest positive float, so it is always in (0, 1]. Cost O(rows * numActions) per call, no
 * allocation.
 *
 * <p>Thread-safe: {@link #sample} holds the generator's lock for the draws of one call, so
 * concurrent actors sharing a policy each get a valid draw (their interleaving is not reproducible;
 * a single caller with a seeded generator is).
 */
public final class SoftmaxSampler {

    private final RandomGenerator random;

    /**
     * @param random the uniform draws; seed it for reproducible actions
     */
    public SoftmaxSampler(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Samples {@code rows} actions.
     *
     * @param logits {@code [rows * numActions]}, row-major; only read
     * @param actionsOut {@code [>= rows]} receives the drawn actions
     * @param probOut {@code [>= rows]} receives {@code pi(a|s)} of each drawn action
     * @throws IllegalStateException naming the row when a logit is NaN or infinite
     */
    public void sample(
            float[] logits, int rows, int numActions, int[] actionsOut, float[] probOut) {
        double[] u = new double[rows];
        synchronized (random) {
            for (int i = 0; i < rows; i++) {
                u[i] = random.nextDouble();
            }
        }
        for (int i = 0; i < rows; i++) {
            int base = i * numActions;
            double max = max(logits, base, numActions, i);
            double sum = 0;
            for (int a = 0; a < numActions; a++) {
                sum += Math.exp(logits[base + a] - max);
            }
            double target = u[i] * sum; // inverse CDF on the unnormalised weights
            double cumulative = 0;
            int chosen = numActions - 1; // rounding can leave target just above the last sum
            for (int a = 0; a < numActions; a++) {
                cumulative += Math.exp(logits[base + a] - max);
                if (target < cumulative) {
                    chosen = a;
                    break;
                }
            }
            actionsOut[i] = chosen;
            probOut[i] = probability(Math.exp(logits[base + chosen] - max) / sum);
        }
    }

    /**
     * The greedy choice {@code argmax_a logits} (first maximum on ties, like {@code tf.argmax}) for
     * each row, with probability 1: the evaluation policy of a stochastic actor.
     */
    public static void greedy(
            float[] logits, int rows, int numActions, int[] actionsOut, float[] probOut) {
        for (int i = 0; i < rows; i++) {
            int base = i * numActions;
            int best = 0;
            for (int a = 1; a < numActions; a++) {
                if (logits[base + a] > logits[base + best]) {
                    best = a;
                }
            }
            actionsOut[i] = best;
            probOut[i] = 1f;
        }
    }

    /** {@code softmax(logits[row])} into {@code out[0..numActions)}, in double. */
    public static void softmax(float[] logits, int row, int numActions, double[] out) {
        int base = row * numActions;
        double max = max(logits, base, numActions, row);
        double sum = 0;
        for (int a = 0; a < numActions; a++) {
            out[a] = Math.exp(logits[base + a] - max);
            sum += out[a];
        }
        for (int a = 0; a < numActions; a++) {
            out[a] /= sum;
        }
    }

    private static double max(float[] logits, int base, int numActions, int row) {
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < numActions; a++) {
            float l = logits[base + a];
            if (!Float.isFinite(l)) {
                throw new IllegalStateException(
                        "the policy returned logit "
                                + l
                                + " for action "
                                + a
                                + " of row "
                                + row
                                + ": logits must be finite (was the network trained to NaN?)");
            }
            max = Math.max(max, l);
        }
        return max;
    }

    private static float probability(double p) {
        return (float) Math.max(p, Float.MIN_NORMAL);
    }
}
