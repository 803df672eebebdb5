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

    public FqeLoss(TdLossFunction tdLoss, float huberDelta) {
        super(tdLoss, huberDelta);
    }

    @Override
    protected Operand<TFloat32> bootstrapValue(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> nextQ = in.target().apply(tf, in.nextObs()); // [batch, numActions]
        return valueOf(tf, nextQ, in.nextAction(), in.numActions()); // [batch]
    }
}
