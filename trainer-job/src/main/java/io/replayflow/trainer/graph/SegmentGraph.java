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

    /** {@code obs}, {@code action}, {@code mask}, {@code bootstrap_obs}. */
    SegmentInputs inputs();

    /** The LSTM start states and burn-in inputs; null for a feed-forward network. */
    LstmInputs lstm();

    /**
     * The states after the burn-in prefixes {@code [B, units]} each, in the order of {@link
     * #lstm()}'s {@code state}, from the states fed there; empty without a burn-in or an LSTM.
     */
    List<Operand<TFloat32>> burnInState();

    /** The loss's named parts and the gradient norm, positions given by each graph. */
    Operand<TFloat32> metrics();

    /** One Adam step on the trained network and {@code global_step += 1}. */
    Op train();

    /** Gradient steps taken. */
    Variable<TInt64> globalStep();

    /** Reads and writes the trained network's variables (the actor-critic, the online network). */
    VariableIo io();
}
