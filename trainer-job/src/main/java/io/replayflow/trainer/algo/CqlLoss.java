package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.types.TFloat32;

/**
 * Discrete CQL(H) (Kumar, Zhou, Tucker and Levine, "Conservative Q-Learning for Offline
 * Reinforcement Learning", NeurIPS 2020, eq. 4 with the entropy regulariser; the discrete form as
 * in d3rlpy's {@code DiscreteCQL}): the Double DQN loss plus a term that pushes down Q on all
 * actions (soft maximum) and up on the action in the data:
 *
 * <pre>
 *   conservative = alpha * mean_i ( logsumexp_a Q(s_i, a) - Q(s_i, a_i) )
 *   total        = td + conservative                (td as in DoubleDqnLoss)
 * </pre>
 *
 * {@code logsumexp} is computed stably as {@code m + log sum_a exp(Q(s,a) - m)} with {@code m =
 * max_a Q(s,a)} held constant. The conservative term is not importance-weighted (offline CQL
 * samples uniformly; see docs/ALGORITHMS.md).
 */
public class CqlLoss extends DoubleDqnLoss {

    private final float alpha;

    public CqlLoss(TdLossFunction tdLoss, float huberDelta, float alpha) {
        super(tdLoss, huberDelta);
        if (!(alpha >= 0) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException(
                    "trainer.cql.alpha=" + alpha + " is invalid: must be finite and >= 0");
        }
        this.alpha = alpha;
    }

    @Override
    public Algo algo() {
        return Algo.CQL;
    }

    @Override
    protected Operand<TFloat32> conservativeTerm(
            Ops tf, Operand<TFloat32> q, Operand<TFloat32> qTaken) {
        Operand<TFloat32> gap = tf.math.sub(logSumExp(tf, q), qTaken); // [batch]
        return tf.math.mul(tf.constant(alpha), tf.math.mean(gap, tf.constant(0))); // []
    }

    /** {@code log sum_a exp(q[i, a])}, {@code [batch]}, without overflow. */
    static Operand<TFloat32> logSumExp(Ops tf, Operand<TFloat32> q) {
        Operand<TFloat32> max = // [batch, 1]
                tf.stopGradient(tf.reduceMax(q, tf.constant(1), ReduceMax.keepDims(true)));
        Operand<TFloat32> sum = // [batch]
                tf.reduceSum(tf.math.exp(tf.math.sub(q, max)), tf.constant(1));
        return tf.math.add(tf.math.log(sum), tf.reshape(max, tf.constant(new int[] {-1})));
    }
}
