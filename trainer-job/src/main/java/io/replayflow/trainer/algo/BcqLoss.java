package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Discrete BCQ (Fujimoto, Conti, Ghavamzadeh and Pineau, "Benchmarking Batch Deep Reinforcement
 * Learning Algorithms", NeurIPS 2019 Deep RL workshop, arXiv:1910.01708; the discrete form of
 * Fujimoto, Meger and Precup, ICML 2019): a Double DQN whose next action may only be one the
 * behaviour policy would plausibly take, judged by an imitation network {@code G(a|s)} trained
 * beside the Q-network:
 *
 * <pre>
 *   G(.|s)     = softmax(g(s, .))                        (aux network "imitation", logits g)
 *   allowed(s) = { a : G(a|s) / max_a' G(a'|s) > tau }   (= exp(g(s,a) - max_a' g(s,a')) > tau)
 *   a*_i       = argmax_{a in allowed(s'_i)} Q(s'_i, a)   (online network)
 *   y_i        = R_i + gamma^n (1 - terminated_i) * Q_target(s'_i, a*_i)
 *   td         = mean_i w_i * l(y_i - Q(s_i, a_i))       (as in DqnLoss)
 *   imitation  = mean_i ( logsumexp_a g(s_i, a) - g(s_i, a_i) )
 *   total      = td + imitation
 * </pre>
 *
 * with {@code tau = trainer.bcq.threshold}: 0.9 by default, not the paper's 0.3, chosen by
 * measurement (docs/ALGORITHMS.md). With two actions logged under 85 % uniform noise the other
 * action's ratio is about 0.425 / 0.575 = 0.74 wherever the log covers the state, so a threshold
 * below that only filters where the imitation network extrapolates. The imitation network's most
 * probable action always passes the filter, so {@code allowed} is never empty; {@code tau = 0} is
 * Double DQN.
 *
 * <p>The policy acts as the paper's does, with the same filter: {@code pi(s) = argmax_{a in
 * allowed(s)} Q(s, a)} ({@link #greedyAction}). The trainer's greedy inference and the exported
 * artifact both compute it: the SavedModel holds the Q-network and the imitation network, its
 * {@code action} is the filtered argmax and its {@code q_values} are {@code Q(s, .)} over every
 * action, unfiltered (their argmax may be an action the filter excludes). The paper's logit penalty
 * {@code 0.01 g^2} on the imitation network is left out (docs/ALGORITHMS.md lists it).
 *
 * <p>Named parts: {@code td} is the filtered TD loss, {@code conservative} the imitation
 * cross-entropy (unweighted: it fits the behaviour, which uniform sampling represents).
 */
public class BcqLoss extends DoubleDqnLoss {

    /** Name of the imitation network in {@link LossInputs#aux}. */
    public static final String IMITATION = "imitation";

    /** Stands in for minus infinity on actions outside {@code allowed(s)}. */
    private static final float EXCLUDED = 1e9f;

    private final float threshold;

    public BcqLoss(TdLossFunction tdLoss, float huberDelta, float threshold) {
        super(tdLoss, huberDelta);
        if (!(threshold >= 0 && threshold < 1)) {
            throw new IllegalArgumentException(
                    "trainer.bcq.threshold=" + threshold + " is invalid: must be in [0, 1)");
        }
        this.threshold = threshold;
    }

    @Override
    public Algo algo() {
        return Algo.BCQ;
    }

    @Override
    public Map<String, Integer> auxiliaryOutputs(int numActions) {
        return Map.of(IMITATION, numActions);
    }

    /** {@code tau}: an action is allowed when {@code G(a|s) / max_a' G(a'|s) > tau}. */
    public float threshold() {
        return threshold;
    }

    /** {@code argmax_{a in allowed(s)} Q(s, a)}, the imitation network read at {@code obs}. */
    @Override
    public Operand<TInt64> greedyAction(
            Ops tf, Operand<TFloat32> q, Map<String, AuxNetwork> aux, Operand<TFloat32> obs) {
        return filteredAction(tf, q, aux.get(IMITATION).online().apply(tf, obs), threshold);
    }

    /**
     * BCQ's action, {@code [batch]}: the first {@code argmax} of {@code q} ({@code [batch,
     * numActions]}) among the actions whose imitation {@code logits} ({@code [batch, numActions]})
     * pass {@code threshold}. The exported policy's {@code action} output is this.
     */
    public static Operand<TInt64> filteredAction(
            Ops tf, Operand<TFloat32> q, Operand<TFloat32> logits, float threshold) {
        return greedy(tf, filter(tf, q, logits, threshold));
    }

    @Override
    protected Operand<TFloat32> bootstrapValue(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> nextQOnline = in.online().apply(tf, in.nextObs()); // [batch, numActions]
        Operand<TFloat32> nextQTarget = in.target().apply(tf, in.nextObs()); // [batch, numActions]
        Operand<TFloat32> nextLogits = // [batch, numActions]
                in.aux(IMITATION).online().apply(tf, in.nextObs());
        Operand<TFloat32> filtered = filter(tf, nextQOnline, nextLogits, threshold);
        return valueOf(tf, nextQTarget, greedy(tf, filtered), in.numActions()); // [batch]
    }

    @Override
    protected Penalty conservativeTerm(
            LossInputs in, Operand<TFloat32> q, Operand<TFloat32> qTaken) {
        Ops tf = in.tf();
        Operand<TFloat32> logits = in.aux(IMITATION).online().apply(tf, in.obs()); // [batch, A]
        Operand<TFloat32> taken = valueOf(tf, logits, in.action(), in.numActions()); // [batch]
        Operand<TFloat32> crossEntropy =
                tf.math.sub(CqlLoss.logSumExp(tf, logits), taken); // [batch]
        return new Penalty(
                tf.withName("imitation_loss").math.mean(crossEntropy, tf.constant(0)), List.of());
    }

    /**
     * {@code q} where {@code exp(logits - max logits) > threshold}, {@code q - 1e9} elsewhere,
     * {@code [batch, numActions]}: its argmax is the best allowed action.
     */
    static Operand<TFloat32> filter(
            Ops tf, Operand<TFloat32> q, Operand<TFloat32> logits, float threshold) {
        Operand<TFloat32> max = tf.reduceMax(logits, tf.constant(1), ReduceMax.keepDims(true));
        Operand<TFloat32> ratio = tf.math.exp(tf.math.sub(logits, max)); // [batch, numActions]
        Operand<TFloat32> allowed = // [batch, numActions], 1 or 0
                tf.dtypes.cast(tf.math.greater(ratio, tf.constant(threshold)), TFloat32.class);
        Operand<TFloat32> penalty =
                tf.math.mul(tf.math.sub(tf.constant(1f), allowed), tf.constant(EXCLUDED));
        return tf.stopGradient(tf.math.sub(q, penalty));
    }
}
