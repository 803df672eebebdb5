package io.replayflow.trainer.net;

import io.replayflow.trainer.TransitionSpec;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A Q-network with a recurrent core, as in R2D2 (Kapturowski et al., "Recurrent Experience Replay
 * in Distributed Reinforcement Learning", ICLR 2019): {@code obs -> dense ReLU layers (optional) ->
 * LSTM(units) -> linear [numActions]} Q-values. The state {@code (h, c)}, each {@code [batch,
 * units]}, is zero at an episode's first step.
 *
 * <p>Like {@link RecurrentActorCritic} (whose {@link RecurrentCore} it shares, only the head's
 * width differs) it runs one step per row ({@link #step}, what an exported policy serves) or a
 * static unroll over segments of {@code T} steps ({@link #unroll}, what the learner trains on); the
 * two are the same function.
 *
 * <p>Variables, in order: each dense layer's kernel and bias, the cell's {@code kernel_x [in, 4u]},
 * {@code kernel_h [u, 4u]} and {@code bias [4u]}, the head's kernel {@code [u, numActions]} and
 * bias.
 */
public final class RecurrentQNetwork {

    private final RecurrentCore core; // head [units, numActions]
    private final int numActions;

    private RecurrentQNetwork(RecurrentCore core, int numActions) {
        this.core = core;
        this.numActions = numActions;
    }

    /**
     * Creates the variables under {@code scope}.
     *
     * @param hidden widths of the dense ReLU layers under the LSTM (may be empty)
     * @param units the LSTM's width, >= 1
     */
    public static RecurrentQNetwork build(
            Ops scope, List<Integer> hidden, int units, TransitionSpec spec) {
        RecurrentCore core =
                RecurrentCore.build(
                        scope,
                        hidden,
                        units,
                        spec,
                        spec.numActions(),
                        "Q-network",
                        "r2d2 takes vector observations; use dqn or double-dqn for images");
        return new RecurrentQNetwork(core, spec.numActions());
    }

    /** Q-values of one step or of every step of an unroll, and the state after it. */
    public record Step(
            Operand<TFloat32> q, // [rows, numActions]
            Operand<TFloat32> h, // [batch, units]
            Operand<TFloat32> c) {} // [batch, units]

    /** One step per row: {@code obs [batch, obsDim]} from state {@code (h, c)}. */
    public Step step(Ops tf, Operand<TFloat32> obs, Operand<TFloat32> h, Operand<TFloat32> c) {
        RecurrentCore.Out out = core.step(tf, obs, h, c);
        return new Step(out.out(), out.h(), out.c());
    }

    /**
     * Runs {@code length} steps of {@code batch} sequences, batch-major like a segment batch; where
     * {@code mask} is 0 the state is carried unchanged, so the returned state is the one after each
     * sequence's last valid step.
     *
     * @param obs {@code [batch * length, obsDim]}, step t of sequence b at row {@code b * length +
     *     t}
     * @param mask {@code [batch * length]}, 1 for a real step
     * @return {@code Q(s_t, .)} {@code [batch * length, numActions]} and the final state
     */
    public Step unroll(
            Ops tf,
            Operand<TFloat32> obs,
            Operand<TFloat32> mask,
            Operand<TFloat32> h0,
            Operand<TFloat32> c0,
            int length) {
        RecurrentCore.Out out = core.unroll(tf, obs, mask, h0, c0, length);
        return new Step(out.out(), out.h(), out.c());
    }

    /** Every variable: dense layers, then the cell's, then the head's (kernel before bias). */
    public List<Variable<TFloat32>> variables() {
        return core.variables();
    }

    /**
     * Initial weights from {@code seed}: the rule of {@link RecurrentActorCritic#initialWeights}.
     */
    public List<float[]> initialWeights(long seed) {
        return core.initialWeights(seed);
    }

    public int units() {
        return core.units();
    }

    public int numActions() {
        return numActions;
    }
}
