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

    private final float valueBound;

    public FqeLoss(TdLossFunction tdLoss, float huberDelta) {
        this(tdLoss, huberDelta, Float.POSITIVE_INFINITY);
    }

    /**
     * @param valueBound the bootstrap value is clipped to {@code [-valueBound, valueBound]}: when
     *     every return lies in that range, a value outside it is the network's extrapolation, and
     *     clipping it keeps the off-policy regression from diverging (infinity: no clipping)
     */
    public FqeLoss(TdLossFunction tdLoss, float huberDelta, float valueBound) {
        super(tdLoss, huberDelta);
        if (!(valueBound > 0)) {
            throw new IllegalArgumentException("FQE value bound " + valueBound + " must be > 0");
        }
        this.valueBound = valueBound;
    }

    @Override
    protected Operand<TFloat32> bootstrapValue(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> nextQ = in.target().apply(tf, in.nextObs()); // [batch, numActions]
        Operand<TFloat32> value = valueOf(tf, nextQ, in.nextAction(), in.numActions()); // [batch]
        if (Float.isInfinite(valueBound)) {
            return value;
        }
        return tf.clipByValue(value, tf.constant(-valueBound), tf.constant(valueBound));
    }
}
