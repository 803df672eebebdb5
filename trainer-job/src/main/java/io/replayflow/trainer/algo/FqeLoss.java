package io.replayflow.trainer.algo;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Fitted Q evaluation (Le, Voloshin and Yue, "Batch Policy Learning under Constraints", ICML 2019;
 * Ernst et al.'s fitted Q iteration with the max replaced by the evaluated policy): the DQN
 * regression, bootstrapping from the action the <em>evaluated</em> policy {@code pi} takes in the
 * next state instead of the greedy one, so that {@code Q} converges to {@code Q^pi} of the logged
 * data's MDP:
 *
 * <pre>
 *   y_i = R_i + gamma^n (1 - terminated_i) * Q_target(s'_i, pi(s'_i))
 * </pre>
 *
 * {@code pi(s'_i)} is fed as {@code next_action} (a deterministic target policy). Everything else
 * is {@link DqnLoss}: one override, as {@link DoubleDqnLoss}. It reports {@link Algo#DQN} as its
 * algorithm: an FQE network is never exported as a policy.
 */
public class FqeLoss extends DqnLoss {

    private final float low;
    private final float high;

    public FqeLoss(TdLossFunction tdLoss, float huberDelta) {
        this(tdLoss, huberDelta, Float.POSITIVE_INFINITY);
    }

    /**
     * @param valueBound the bootstrap value is clipped to {@code [-valueBound, valueBound]}: when
     *     every return lies in that range, a value outside it is the network's extrapolation, and
     *     clipping it keeps the off-policy regression from diverging (infinity: no clipping)
     */
    public FqeLoss(TdLossFunction tdLoss, float huberDelta, float valueBound) {
        this(tdLoss, huberDelta, -checkBound(valueBound), valueBound);
    }

    /**
     * @param low the bootstrap value is clipped to {@code [low, high]}: the range every return lies
     *     in (for rewards that are never negative, {@code low = 0}: a negative value can only be
     *     the network's extrapolation)
     * @param high see {@code low}; infinities for no clipping
     */
    public FqeLoss(TdLossFunction tdLoss, float huberDelta, float low, float high) {
        super(tdLoss, huberDelta);
        if (!(low < high) || Float.isNaN(low) || Float.isNaN(high)) {
            throw new IllegalArgumentException(
                    "FQE value range [" + low + ", " + high + "] must have low < high");
        }
        this.low = low;
        this.high = high;
    }

    private static float checkBound(float valueBound) {
        if (!(valueBound > 0)) {
            throw new IllegalArgumentException("FQE value bound " + valueBound + " must be > 0");
        }
        return valueBound;
    }

    @Override
    protected Operand<TFloat32> bootstrapValue(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> nextQ = in.target().apply(tf, in.nextObs()); // [batch, numActions]
        Operand<TFloat32> value = valueOf(tf, nextQ, in.nextAction(), in.numActions()); // [batch]
        if (Float.isInfinite(low) && Float.isInfinite(high)) {
            return value;
        }
        return tf.clipByValue(value, tf.constant(low), tf.constant(high));
    }
}
