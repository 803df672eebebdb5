package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Discrete CQL(H) (Kumar, Zhou, Tucker and Levine, "Conservative Q-Learning for Offline
 * Reinforcement Learning", NeurIPS 2020, eq. 4 with the entropy regulariser; the discrete form as
 * in d3rlpy's {@code DiscreteCQL}): the Double DQN loss plus a term that pushes down Q on all
 * actions (soft maximum) and up on the action in the data:
 *
 * <pre>
 *   gap          = mean_i ( logsumexp_a Q(s_i, a) - Q(s_i, a_i) )
 *   conservative = alpha * gap
 *   total        = td + conservative                (td as in DoubleDqnLoss)
 * </pre>
 *
 * <p>With a fixed alpha ({@code trainer.cql.alpha}) that is all. With the automatic alpha ({@code
 * trainer.cql.auto-alpha}) alpha is the Lagrange multiplier of the constraint {@code gap <= tau}
 * (the paper's Lagrangian form, section F / eq. 30: {@code min_Q max_{alpha >= 0} alpha (gap - tau)
 * + td}): {@code alpha = exp(log_alpha)} enters the Q-loss as a constant, and {@code log_alpha} is
 * trained by its own Adam optimizer ({@code trainer.cql.alpha-lr}) on
 *
 * <pre>
 *   loss_alpha = -alpha * (gap - tau)                (gap a constant here)
 *   d loss_alpha / d log_alpha = -alpha (gap - tau)   so alpha rises while gap > tau, falls below
 * </pre>
 *
 * starting at {@code log(trainer.cql.alpha)}; {@code tau} is {@code trainer.cql.target-gap}.
 * Parameterising by {@code log alpha} keeps alpha positive; after each step {@code log alpha} is
 * clipped so that alpha stays in {@code [1e-4, 100]}: a target gap the data cannot reach (the gap
 * cannot fall below the entropy of the logged actions in a state) would otherwise grow alpha
 * without bound until the Q-values overflow.
 *
 * <p>{@code logsumexp} is computed stably as {@code m + log sum_a exp(Q(s,a) - m)} with {@code m =
 * max_a Q(s,a)} held constant. The conservative term is not importance-weighted (offline CQL
 * samples uniformly; see docs/ALGORITHMS.md).
 */
public class CqlLoss extends DoubleDqnLoss {

    /**
     * Bounds of the automatic alpha: {@code log alpha} is clipped to their logs after each step.
     */
    static final double MIN_ALPHA = 1e-4, MAX_ALPHA = 100;

    private final float alpha;
    private final boolean autoAlpha;
    private final float targetGap;
    private final double alphaLr;

    /** CQL with a fixed alpha. */
    public CqlLoss(TdLossFunction tdLoss, float huberDelta, float alpha) {
        this(tdLoss, huberDelta, alpha, false, 0f, 1e-3);
    }

    /**
     * @param alpha the fixed alpha, or the starting alpha when {@code autoAlpha}
     * @param targetGap tau, the gap the automatic alpha drives towards
     * @param alphaLr Adam learning rate of {@code log alpha}
     */
    public CqlLoss(
            TdLossFunction tdLoss,
            float huberDelta,
            float alpha,
            boolean autoAlpha,
            float targetGap,
            double alphaLr) {
        super(tdLoss, huberDelta);
        if (!(alpha >= 0) || Float.isInfinite(alpha) || (autoAlpha && alpha == 0)) {
            throw new IllegalArgumentException(
                    "trainer.cql.alpha="
                            + alpha
                            + " is invalid: must be finite and >= 0 (> 0 with"
                            + " trainer.cql.auto-alpha=true)");
        }
        this.alpha = alpha;
        this.autoAlpha = autoAlpha;
        this.targetGap = targetGap;
        this.alphaLr = alphaLr;
    }

    @Override
    public Algo algo() {
        return Algo.CQL;
    }

    @Override
    protected Penalty conservativeTerm(
            LossInputs in, Operand<TFloat32> q, Operand<TFloat32> qTaken) {
        Ops tf = in.tf();
        Operand<TFloat32> gap = // []
                tf.withName("cql_gap")
                        .math
                        .mean(tf.math.sub(logSumExp(tf, q), qTaken), tf.constant(0));
        if (!autoAlpha) {
            return new Penalty(tf.math.mul(tf.constant(alpha), gap), List.of());
        }
        Ops init = tf.withInitScope();
        Variable<TFloat32> logAlpha =
                tf.withName("log_alpha").variable(init.constant((float) Math.log(alpha))); // []
        Operand<TFloat32> a = tf.withName("cql_alpha").math.exp(logAlpha); // []
        Operand<TFloat32> alphaLoss = // []
                tf.withName("alpha_loss")
                        .math
                        .neg(
                                tf.math.mul(
                                        a,
                                        tf.math.sub(tf.stopGradient(gap), tf.constant(targetGap))));
        return new Penalty(
                tf.math.mul(tf.stopGradient(a), gap),
                List.of(
                        new SideObjective(
                                logAlpha,
                                alphaLoss,
                                alphaLr,
                                (float) Math.log(MIN_ALPHA),
                                (float) Math.log(MAX_ALPHA))));
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
