package io.replayflow.trainer.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * What the graph of every segment learner has, whatever its loss: the batch's inputs, for LSTM
 * networks their start states and burn-in path, a training step that fetches its metrics, the step
 * counter and the trained network's variables. {@link PolicyGradientGraph} (actor-critics) and
 * {@link RecurrentQGraph} (R2D2) add their own inputs and forward outputs.
 */
public sealed interface SegmentGraph permits PolicyGradientGraph, RecurrentQGraph {

    /**
     * The parts every segment graph has.
     *
     * @param inputs {@code obs}, {@code action}, {@code mask}, {@code bootstrap_obs}
     * @param lstm the LSTM start states and burn-in inputs; null for a feed-forward network
     * @param burnInState the states after the burn-in prefixes {@code [B, units]} each, in the
     *     order of {@code lstm}'s {@code state}, from the states fed there; empty without a burn-in
     *     or an LSTM
     * @param metrics the loss's named parts and the gradient norm, positions given by each graph
     * @param train one Adam step on the trained network and {@code global_step += 1}
     * @param globalStep gradient steps taken
     * @param io reads and writes the trained network's variables (the actor-critic, the online
     *     network)
     */
    record Parts(
            SegmentInputs inputs,
            LstmInputs lstm,
            List<Operand<TFloat32>> burnInState,
            Operand<TFloat32> metrics,
            Op train,
            Variable<TInt64> globalStep,
            VariableIo io) {
        public Parts {
            burnInState = List.copyOf(burnInState);
        }
    }

    Parts parts();

    default SegmentInputs inputs() {
        return parts().inputs();
    }

    default LstmInputs lstm() {
        return parts().lstm();
    }

    default List<Operand<TFloat32>> burnInState() {
        return parts().burnInState();
    }

    default Operand<TFloat32> metrics() {
        return parts().metrics();
    }

    default Op train() {
        return parts().train();
    }

    default Variable<TInt64> globalStep() {
        return parts().globalStep();
    }

    default VariableIo io() {
        return parts().io();
    }
}
