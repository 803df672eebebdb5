package io.replayflow.trainer.algo;

import io.replayflow.trainer.net.QNetwork;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What a loss is built from: the two networks and one batch of replay columns.
 *
 * @param tf the scope to build in
 * @param online the network being trained
 * @param target the slowly updated copy used for bootstrap values
 * @param obs observations {@code [batch, ...obsShape]}
 * @param action actions taken {@code [batch]}
 * @param nStepReturn {@code R = sum_{k<n} gamma^k r_{t+k}} {@code [batch]}
 * @param bootstrapDiscount {@code gamma^n (1 - terminated)} {@code [batch]}; 0 where the episode
 *     ended inside the n steps
 * @param nextObs observation n steps later {@code [batch, ...obsShape]}
 * @param nextAction the evaluated policy's action at {@code nextObs} {@code [batch]}, read only by
 *     {@link FqeLoss}; the control losses never touch it, so training never feeds it
 * @param weight importance weights {@code [batch]} (1 for uniform sampling)
 * @param numActions number of actions
 * @param aux the extra networks the loss asked for ({@link QLoss#auxiliaryOutputs}), by name
 */
public record LossInputs(
        Ops tf,
        QNetwork online,
        QNetwork target,
        Operand<TFloat32> obs,
        Operand<TInt32> action,
        Operand<TFloat32> nStepReturn,
        Operand<TFloat32> bootstrapDiscount,
        Operand<TFloat32> nextObs,
        Operand<TInt32> nextAction,
        Operand<TFloat32> weight,
        int numActions,
        Map<String, AuxNetwork> aux) {

    /** The extra network {@code name}. */
    public AuxNetwork aux(String name) {
        AuxNetwork net = aux.get(name);
        if (net == null) {
            throw new IllegalStateException(
                    "no auxiliary network '" + name + "': declare it in auxiliaryOutputs");
        }
        return net;
    }
}
