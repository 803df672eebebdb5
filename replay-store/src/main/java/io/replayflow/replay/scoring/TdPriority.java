package io.replayflow.replay.scoring;

import io.replayflow.replay.priority.Priorities;

/**
 * The initial priority of a replay row under a Q-function: the absolute n-step TD error plus a
 * floor, as in proportional prioritized replay (Schaul et al., "Prioritized Experience Replay",
 * ICLR 2016, section 3.3; n-step targets as in Hessel et al., "Rainbow", AAAI 2018):
 *
 * <pre>
 *   y   = G + (cut ? 0 : D * max_a Q(s_n, a))     n-step target from the row's columns
 *   p   = | y - Q(s, a) | + epsilon
 * </pre>
 *
 * with {@code G = nStepReturn} (= r_n, the discounted sum of the next k rewards), {@code D =
 * bootstrapDiscount} (= gamma^k), {@code cut = bootstrapCut} (= done_n, termination within the k
 * steps), {@code s_n = bootstrapObs}, {@code s = obs} and {@code a = action}. That is {@code |r_n +
 * gamma^n (1 - done_n) max_a Q(s_n, a) - Q(s, a)| + epsilon}, where n is the row's own k (shorter
 * at the end of an episode). One network serves both terms (the published policy has no separate
 * target network), so this is the TD error the trainer would report with its target network in
 * sync. Arithmetic is in double; the Q-values are float32 from the model.
 *
 * <p>The last step is {@link Priorities#fromTdError(double, double)}, the formula the trainer uses
 * for its updates. Pure and stateless.
 */
public final class TdPriority {

    /** Default epsilon: keeps every row drawable ({@link Priorities#DEFAULT_EPSILON}). */
    public static final double DEFAULT_EPSILON = Priorities.DEFAULT_EPSILON;

    private TdPriority() {}

    /**
     * {@code |nStepReturn + (cut ? 0 : bootstrapDiscount * maxNextQ) - takenQ| + epsilon}.
     *
     * @return the priority; NaN or infinite when an input is (the caller decides what to do)
     */
    public static double of(
            double nStepReturn,
            double bootstrapDiscount,
            boolean cut,
            double maxNextQ,
            double takenQ,
            double epsilon) {
        double target = cut ? nStepReturn : nStepReturn + bootstrapDiscount * maxNextQ;
        return Priorities.fromTdError(target - takenQ, epsilon);
    }

    /** {@code max_a q[offset + a]} for {@code a < numActions}. */
    public static double maxQ(float[] q, int offset, int numActions) {
        double max = q[offset];
        for (int a = 1; a < numActions; a++) {
            max = Math.max(max, q[offset + a]);
        }
        return max;
    }
}
