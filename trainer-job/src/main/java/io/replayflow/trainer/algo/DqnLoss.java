package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * DQN with a target network (Mnih et al., "Human-level control through deep reinforcement
 * learning", Nature 518, 2015), on n-step returns:
 *
 * <pre>
 *   y_i     = R_i + gamma^n (1 - terminated_i) * max_a' Q_target(s'_i, a')
 *   delta_i = y_i - Q(s_i, a_i)                       (y is a constant: no gradient flows into it)
 *   td      = mean_i  w_i * l(delta_i)                 (l = Huber or squared error)
 *   total   = td + conservative                       (conservative = 0 here; see CqlLoss)
 * </pre>
 *
 * where {@code R_i} and {@code gamma^n (1 - terminated_i)} come precomputed from the replay columns
 * and {@code w_i} are importance weights (1 under uniform sampling). Subclasses change one piece:
 * {@link DoubleDqnLoss} the bootstrap value, {@link CqlLoss} the conservative term.
 */
public class DqnLoss implements QLoss {

    private final TdLossFunction tdLoss;
    private final float huberDelta;

    public DqnLoss(TdLossFunction tdLoss, float huberDelta) {
        this.tdLoss = Objects.requireNonNull(tdLoss, "tdLoss");
        this.huberDelta = huberDelta;
    }

    @Override
    public Algo algo() {
        return Algo.DQN;
    }

    @Override
    public final LossParts build(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> q = in.online().apply(tf, in.obs()); // [batch, numActions]
        Operand<TFloat32> qTaken = valueOf(tf, q, in.action(), in.numActions()); // [batch]
        Operand<TFloat32> y = // [batch]
                tf.stopGradient(
                        tf.math.add(
                                in.nStepReturn(),
                                tf.math.mul(in.bootstrapDiscount(), bootstrapValue(in))));
        Operand<TFloat32> tdError = tf.withName("td_error").math.sub(y, qTaken); // [batch]
        Operand<TFloat32> perSample = tdLoss.apply(tf, tdError, huberDelta); // [batch]
        Operand<TFloat32> td =
                tf.withName("td_loss")
                        .math
                        .mean(tf.math.mul(in.weight(), perSample), tf.constant(0)); // []
        Penalty penalty = conservativeTerm(in, q, qTaken);
        Operand<TFloat32> conservative =
                tf.withName("conservative_loss").identity(penalty.value()); // []
        Operand<TFloat32> total = tf.withName("total_loss").math.add(td, conservative); // []
        Operand<TFloat32> meanQ = tf.withName("mean_q").math.mean(qTaken, tf.constant(0)); // []
        return new LossParts(total, td, conservative, tdError, meanQ, penalty.side());
    }

    /**
     * The value of the next state that the target bootstraps from, {@code [batch]}: here {@code
     * max_a' Q_target(s', a')}.
     */
    protected Operand<TFloat32> bootstrapValue(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> nextQ = in.target().apply(tf, in.nextObs()); // [batch, numActions]
        return tf.reduceMax(nextQ, tf.constant(1), ReduceMax.keepDims(false)); // [batch]
    }

    /**
     * A term added to the TD loss; none for DQN.
     *
     * @param q {@code Q(s, .)} of the online network {@code [batch, numActions]}
     * @param qTaken {@code Q(s, a)} {@code [batch]}
     */
    protected Penalty conservativeTerm(
            LossInputs in, Operand<TFloat32> q, Operand<TFloat32> qTaken) {
        return new Penalty(in.tf().constant(0f), List.of());
    }

    /**
     * A term added to the TD loss and the scalars it trains with their own optimizers.
     *
     * @param value the term {@code []}
     * @param side e.g. CQL's {@code log alpha}; usually none
     */
    protected record Penalty(Operand<TFloat32> value, List<SideObjective> side) {}

    /** {@code Q(s, a)} for each row: {@code sum_b q[i, b] * onehot(a_i)[b]}, {@code [batch]}. */
    protected static Operand<TFloat32> valueOf(
            Ops tf, Operand<TFloat32> q, Operand<? extends TNumber> action, int numActions) {
        Operand<TFloat32> mask = // [batch, numActions]
                tf.oneHot(action, tf.constant(numActions), tf.constant(1f), tf.constant(0f));
        return tf.reduceSum(tf.math.mul(q, mask), tf.constant(1)); // [batch]
    }

    /** {@code argmax_a q[i, a]}, {@code [batch]}. */
    protected static Operand<TInt64> greedy(Ops tf, Operand<TFloat32> q) {
        return tf.math.argMax(q, tf.constant(1), TInt64.class);
    }
}
