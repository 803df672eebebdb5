package io.replayflow.trainer.net;

import io.replayflow.trainer.TransitionSpec;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * An actor-critic with a recurrent core: {@code obs -> dense ReLU layers (optional) -> LSTM(units)
 * -> linear head [numActions + 1]}, split like {@link ActorCritic}'s into logits {@code [batch,
 * numActions]} and value {@code [batch]}. The LSTM is an {@link LstmCell}; its state {@code (h,
 * c)}, each {@code [batch, units]}, is zero at an episode's first step.
 *
 * <p>Two ways to run it: {@link #step} (one step per row, what an exported policy serves) and
 * {@link #unroll} (a static unroll over segments of {@code T} steps, what the learner trains on).
 * Both are the same function: {@code unroll} with every step valid equals {@code step} applied
 * {@code T} times with the state fed back.
 *
 * <p>Variables, in order: each dense layer's kernel and bias, the cell's {@code kernel_x [in, 4u]},
 * {@code kernel_h [u, 4u]} and {@code bias [4u]}, the head's kernel {@code [u, numActions + 1]} and
 * bias (the {@link RecurrentCore} it shares with {@link RecurrentQNetwork}).
 */
public final class RecurrentActorCritic {

    private final RecurrentCore core; // head [units, numActions + 1]
    private final int numActions;

    private RecurrentActorCritic(RecurrentCore core, int numActions) {
        this.core = core;
        this.numActions = numActions;
    }

    /**
     * Creates the variables under {@code scope}.
     *
     * @param hidden widths of the dense ReLU layers under the LSTM (may be empty)
     * @param units the LSTM's width, >= 1
     */
    public static RecurrentActorCritic build(
            Ops scope, List<Integer> hidden, int units, TransitionSpec spec) {
        RecurrentCore core =
                RecurrentCore.build(
                        scope,
                        hidden,
                        units,
                        spec,
                        spec.numActions() + 1,
                        "actor-critic",
                        "use trainer.pg.network=mlp");
        return new RecurrentActorCritic(core, spec.numActions());
    }

    /** Logits and value of one step, and the state after it. */
    public record Step(
            ActorCritic.Heads heads,
            Operand<TFloat32> h, // [batch, units]
            Operand<TFloat32> c) {} // [batch, units]

    /** One step per row: {@code obs [batch, obsDim]} from state {@code (h, c)}. */
    public Step step(Ops tf, Operand<TFloat32> obs, Operand<TFloat32> h, Operand<TFloat32> c) {
        return split(tf, core.step(tf, obs, h, c));
    }

    /**
     * Runs {@code length} steps of {@code batch} sequences, batch-major like a segment batch.
     *
     * <p>Where {@code mask} is 0 (padding past a segment's end, or steps before a burn-in prefix
     * starts) the state is carried through unchanged: {@code h_t = h_{t-1} + m_t (h'_t - h_{t-1})}.
     * So the returned state is the one after each sequence's last valid step, and a sequence whose
     * first steps are masked starts from {@code (h0, c0)} at its first valid step.
     *
     * @param obs {@code [batch * length, obsDim]}, step {@code t} of sequence {@code b} at row
     *     {@code b * length + t}
     * @param mask {@code [batch * length]}, 1 for a real step
     * @param h0 {@code [batch, units]}
     * @param c0 {@code [batch, units]}
     * @return per-step logits and values ({@code [batch * length, ...]}) and the final state
     */
    public Step unroll(
            Ops tf,
            Operand<TFloat32> obs,
            Operand<TFloat32> mask,
            Operand<TFloat32> h0,
            Operand<TFloat32> c0,
            int length) {
        return split(tf, core.unroll(tf, obs, mask, h0, c0, length));
    }

    private Step split(Ops tf, RecurrentCore.Out out) {
        return new Step(ActorCritic.split(tf, out.out(), numActions), out.h(), out.c());
    }

    /** Every variable: dense layers, then the cell's, then the head's (kernel before bias). */
    public List<Variable<TFloat32>> variables() {
        return core.variables();
    }

    /**
     * Initial weights from {@code seed}, one array per {@link #variables()} entry: dense and head
     * kernels and biases uniform in {@code +-1/sqrt(fan_in)} ({@link WeightInit}'s rule), the
     * cell's kernels uniform in {@code +-1/sqrt(units)} (PyTorch's LSTM default), its bias 0 but 1
     * on the forget gate.
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
