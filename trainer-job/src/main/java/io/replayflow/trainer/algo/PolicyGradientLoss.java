package io.replayflow.trainer.algo;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.trainer.Algo;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The actor-critic loss shared by the policy-gradient family, over the valid steps {@code i} of a
 * batch of segments (mask {@code m_i}, {@code N = sum_i m_i}):
 *
 * <pre>
 *   policy  = -(1/N) sum_i m_i A_i log pi(a_i|s_i)              (A_i a constant: no gradient)
 *   value   =  (1/N) sum_i m_i 0.5 (v_i - V(s_i))^2             (v_i a constant)
 *   entropy =  (1/N) sum_i m_i H(pi(.|s_i)),   H(p) = -sum_a p_a log p_a
 *   total   =  policy + c_v value - c_e entropy
 * </pre>
 *
 * Each algorithm supplies only its advantages {@code A_i} and value targets {@code v_i}, computed
 * in Java over the batch by {@link #targets} from the network's values and the importance ratios of
 * a forward pass ({@link A2cLoss}: n-step returns; {@link ReinforceLoss}: normalised Monte-Carlo
 * returns; {@link VtraceLoss}: V-trace). Computing them in Java keeps each recursion a visible
 * backward loop over a segment, checkable by hand in a unit test, at the cost of one extra forward
 * pass per step (a few hundred microseconds for a 2x128 MLP); the gradient needs none of it since
 * both are constants of the loss.
 */
public abstract class PolicyGradientLoss {

    /** The algorithm this loss implements. */
    public abstract Algo algo();

    /**
     * Advantages and value targets for every step of {@code batch}; 0 on padding.
     *
     * @param values {@code V(s_i)} of the learner {@code [B * T]}
     * @param bootstrapValues {@code V} of each segment's bootstrap observation {@code [B]}
     * @param ratios {@code pi(a_i|s_i) / mu(a_i|s_i)}, learner over behaviour {@code [B * T]}
     * @param gamma the discount
     */
    public abstract Targets targets(
            SegmentBatch batch,
            float[] values,
            float[] bootstrapValues,
            float[] ratios,
            float gamma);

    /**
     * Per-step constants of the loss.
     *
     * @param advantage {@code A_i} {@code [B * T]}
     * @param valueTarget {@code v_i} {@code [B * T]}
     */
    public record Targets(float[] advantage, float[] valueTarget) {}

    /** The loss's named parts, each {@code []}. */
    public record Parts(
            Operand<TFloat32> total,
            Operand<TFloat32> policy,
            Operand<TFloat32> value,
            Operand<TFloat32> entropy) {}

    /**
     * Adds the loss to the graph.
     *
     * @param logits {@code [N, numActions]}
     * @param value {@code V(s)} {@code [N]}
     * @param action actions taken {@code [N]}
     * @param advantage {@code A} {@code [N]}
     * @param valueTarget {@code v} {@code [N]}
     * @param mask 1 for real steps, 0 for padding {@code [N]}
     */
    public static Parts build(
            Ops tf,
            Operand<TFloat32> logits,
            Operand<TFloat32> value,
            Operand<TInt32> action,
            Operand<TFloat32> advantage,
            Operand<TFloat32> valueTarget,
            Operand<TFloat32> mask,
            float valueCoef,
            float entropyCoef) {
        Operand<TFloat32> logPi = tf.nn.logSoftmax(logits); // [N, numActions]
        Operand<TFloat32> logPiTaken = logProbOf(tf, logPi, action); // [N]
        Operand<TFloat32> n = // []
                tf.math.maximum(tf.reduceSum(mask, tf.constant(0)), tf.constant(1f));
        Operand<TFloat32> a = tf.stopGradient(advantage); // [N]
        Operand<TFloat32> v = tf.stopGradient(valueTarget); // [N]
        Operand<TFloat32> policy =
                tf.withName("policy_loss")
                        .math
                        .neg(masked(tf, tf.math.mul(a, logPiTaken), mask, n)); // []
        Operand<TFloat32> valueLoss =
                tf.withName("value_loss")
                        .math
                        .mul(
                                tf.constant(0.5f),
                                masked(tf, tf.math.square(tf.math.sub(v, value)), mask, n)); // []
        Operand<TFloat32> perStepEntropy = // [N]
                tf.math.neg(
                        tf.reduceSum(
                                tf.math.mul(tf.math.exp(logPi), logPi),
                                tf.constant(1),
                                ReduceSum.keepDims(false)));
        Operand<TFloat32> entropy =
                tf.withName("entropy").identity(masked(tf, perStepEntropy, mask, n)); // []
        Operand<TFloat32> total =
                tf.withName("total_loss")
                        .math
                        .sub(
                                tf.math.add(policy, tf.math.mul(tf.constant(valueCoef), valueLoss)),
                                tf.math.mul(tf.constant(entropyCoef), entropy)); // []
        return new Parts(total, policy, valueLoss, entropy);
    }

    /** {@code log pi(a_i|s_i)} of each row's action, {@code [N]}. */
    public static Operand<TFloat32> logProbOf(
            Ops tf, Operand<TFloat32> logPi, Operand<TInt32> action) {
        int numActions = (int) logPi.shape().get(1);
        Operand<TFloat32> onehot = // [N, numActions]
                tf.oneHot(action, tf.constant(numActions), tf.constant(1f), tf.constant(0f));
        return tf.reduceSum(tf.math.mul(logPi, onehot), tf.constant(1)); // [N]
    }

    private static Operand<TFloat32> masked(
            Ops tf, Operand<TFloat32> x, Operand<TFloat32> mask, Operand<TFloat32> n) {
        return tf.math.div(tf.reduceSum(tf.math.mul(x, mask), tf.constant(0)), n);
    }

    /**
     * The valid steps of segment {@code b}: its steps before the first padded one ({@code valid ==
     * 0}).
     */
    protected static int validSteps(SegmentBatch batch, int b) {
        int n = 0;
        while (n < batch.length() && batch.valid()[batch.index(b, n)] != 0f) {
            n++;
        }
        return n;
    }

    /**
     * The discount of step {@code t} of a segment with {@code n} valid steps: {@code gamma}, but
     * {@code gamma * bootstrapAlive} at the last valid step (0 once the episode terminated).
     */
    protected static float discount(SegmentBatch batch, int b, int t, int n, float gamma) {
        if (batch.terminated()[batch.index(b, t)] != 0f) {
            return 0f;
        }
        return t == n - 1 ? gamma * batch.bootstrapAlive()[b] : gamma;
    }
}
