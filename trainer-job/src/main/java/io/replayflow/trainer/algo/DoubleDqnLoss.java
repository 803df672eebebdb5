package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Double DQN (van Hasselt, Guez and Silver, "Deep Reinforcement Learning with Double Q-learning",
 * AAAI 2016): the online network chooses the next action, the target network values it, which
 * removes the max operator's overestimation bias:
 *
 * <pre>
 *   a*_i = argmax_a' Q(s'_i, a')                      (online network)
 *   y_i  = R_i + gamma^n (1 - terminated_i) * Q_target(s'_i, a*_i)
 * </pre>
 *
 * Everything else is {@link DqnLoss}; only the bootstrap value changes.
 */
public class DoubleDqnLoss extends DqnLoss {

    public DoubleDqnLoss(TdLossFunction tdLoss, float huberDelta) {
        super(tdLoss, huberDelta);
    }

    @Override
    public Algo algo() {
        return Algo.DOUBLE_DQN;
    }

    @Override
    protected Operand<TFloat32> bootstrapValue(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> nextQOnline = in.online().apply(tf, in.nextObs()); // [batch, numActions]
        Operand<TFloat32> nextQTarget = in.target().apply(tf, in.nextObs()); // [batch, numActions]
        return valueOf(tf, nextQTarget, greedy(tf, nextQOnline), in.numActions()); // [batch]
    }
}
