package io.replayflow.trainer.net;

import io.replayflow.trainer.SeededRandom;
import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The recurrent body both LSTM networks share: {@code obs -> dense ReLU layers (optional) ->
 * LSTM(units) -> linear head [outputs]}. {@link RecurrentActorCritic} reads the head as logits and
 * value ({@code outputs = numActions + 1}), {@link RecurrentQNetwork} as Q-values ({@code outputs =
 * numActions}); the state {@code (h, c)}, each {@code [batch, units]}, is zero at an episode's
 * first step.
 *
 * <p>Variables, in order: each dense layer's kernel and bias (sub-scopes {@code dense<i>}), the
 * cell's {@code kernel_x [in, 4u]}, {@code kernel_h [u, 4u]} and {@code bias [4u]} ({@code lstm}),
 * the head's kernel {@code [u, outputs]} and bias ({@code head}).
 */
final class RecurrentCore {

    private final List<Dense> trunk;
    private final LstmCell cell;
    private final Dense head; // [units, outputs]

    private RecurrentCore(List<Dense> trunk, LstmCell cell, Dense head) {
        this.trunk = trunk;
        this.cell = cell;
        this.head = head;
    }

    /** Creates the variables under {@code scope}; {@code what} names the network in errors. */
    static RecurrentCore build(
            Ops scope,
            List<Integer> hidden,
            int units,
            TransitionSpec spec,
            int outputs,
            String what,
            String fix) {
        Objects.requireNonNull(hidden, "hidden");
        if (units < 1) {
            throw new IllegalArgumentException("LSTM units must be >= 1, got " + units);
        }
        if (spec.obsType() != TransitionSpec.ObsType.FLOAT32 || spec.obsShape().size() != 1) {
            throw new IllegalArgumentException(
                    "the LSTM "
                            + what
                            + " takes vector float observations; "
                            + spec
                            + " is not one: "
                            + fix);
        }
        List<Dense> trunk = new ArrayList<>();
        int in = spec.obsSize();
        for (int i = 0; i < hidden.size(); i++) {
            trunk.add(new Dense(scope.withSubScope("dense" + i), in, hidden.get(i), true));
            in = hidden.get(i);
        }
        LstmCell cell = new LstmCell(scope.withSubScope("lstm"), in, units);
        Dense head = new Dense(scope.withSubScope("head"), units, outputs, false);
        return new RecurrentCore(trunk, cell, head);
    }

    /** The head's output and the state after the step(s). */
    record Out(
            Operand<TFloat32> out, // [rows, outputs]
            Operand<TFloat32> h, // [batch, units]
            Operand<TFloat32> c) {} // [batch, units]

    /** One step per row: {@code obs [batch, obsDim]} from state {@code (h, c)}. */
    Out step(Ops tf, Operand<TFloat32> obs, Operand<TFloat32> h, Operand<TFloat32> c) {
        LstmCell.State next =
                cell.step(
                        tf, cell.inputProjection(tf, features(tf, obs)), new LstmCell.State(h, c));
        return new Out(head.apply(tf, next.h()), next.h(), next.c());
    }

    /**
     * Runs {@code length} steps of {@code batch} sequences, batch-major like a segment batch; where
     * {@code mask} is 0 the state is carried through unchanged ({@code h_t = h_{t-1} + m_t (h'_t -
     * h_{t-1})}), so the returned state is the one after each sequence's last valid step.
     *
     * @param obs {@code [batch * length, obsDim]}, step t of sequence b at row {@code b * length +
     *     t}
     * @param mask {@code [batch * length]}, 1 for a real step
     * @return the head's output per step {@code [batch * length, outputs]} and the final state
     */
    Out unroll(
            Ops tf,
            Operand<TFloat32> obs,
            Operand<TFloat32> mask,
            Operand<TFloat32> h0,
            Operand<TFloat32> c0,
            int length) {
        int u4 = 4 * cell.units();
        // the input projection of every step at once, then one cell step per t
        Operand<TFloat32> xProj = // [batch, length, 4u]
                tf.reshape(
                        cell.inputProjection(tf, features(tf, obs)),
                        tf.constant(new int[] {-1, length, u4}));
        List<Output<TFloat32>> xs = tf.unstack(xProj, (long) length, Unstack.axis(1L)).output();
        List<Output<TFloat32>> ms = // [batch, 1] each
                tf.unstack(
                                tf.reshape(mask, tf.constant(new int[] {-1, length, 1})),
                                (long) length,
                                Unstack.axis(1L))
                        .output();
        LstmCell.State state = new LstmCell.State(h0, c0);
        List<Operand<TFloat32>> hs = new ArrayList<>(length);
        for (int t = 0; t < length; t++) {
            LstmCell.State next = cell.step(tf, xs.get(t), state);
            Operand<TFloat32> m = ms.get(t);
            state =
                    new LstmCell.State(
                            carry(tf, m, state.h(), next.h()), carry(tf, m, state.c(), next.c()));
            hs.add(state.h());
        }
        Operand<TFloat32> hAll = // [batch * length, units]
                tf.reshape(tf.stack(hs, Stack.axis(1L)), tf.constant(new int[] {-1, cell.units()}));
        return new Out(head.apply(tf, hAll), state.h(), state.c());
    }

    /** {@code prev + m (next - prev)}: {@code next} where {@code m} is 1, {@code prev} where 0. */
    private static Operand<TFloat32> carry(
            Ops tf, Operand<TFloat32> m, Operand<TFloat32> prev, Operand<TFloat32> next) {
        return tf.math.add(prev, tf.math.mul(m, tf.math.sub(next, prev)));
    }

    private Operand<TFloat32> features(Ops tf, Operand<TFloat32> obs) {
        Operand<TFloat32> x = obs;
        for (Dense layer : trunk) {
            x = layer.apply(tf, x);
        }
        return x;
    }

    /** Every variable: dense layers, then the cell's, then the head's (kernel before bias). */
    List<Variable<TFloat32>> variables() {
        List<Variable<TFloat32>> vars = new ArrayList<>();
        trunk.forEach(d -> vars.addAll(d.variables()));
        vars.addAll(cell.variables());
        vars.addAll(head.variables());
        return vars;
    }

    /**
     * Initial weights from {@code seed}, one array per {@link #variables()} entry: dense and head
     * kernels and biases uniform in {@code +-1/sqrt(fan_in)} ({@link WeightInit}'s rule), the
     * cell's kernels uniform in {@code +-1/sqrt(units)} (PyTorch's LSTM default), its bias 0 but 1
     * on the forget gate.
     */
    List<float[]> initialWeights(long seed) {
        List<Variable<TFloat32>> vars = variables();
        int cellFirst = 2 * trunk.size();
        List<float[]> values = new ArrayList<>(vars.size());
        for (int i = 0; i < vars.size(); i++) {
            float[] v = new float[Math.toIntExact(vars.get(i).shape().size())];
            if (i == cellFirst + 2) {
                int u = cell.units();
                Arrays.fill(v, LstmCell.FORGET * u, (LstmCell.FORGET + 1) * u, 1f);
            } else {
                double fanIn =
                        i >= cellFirst && i < cellFirst + 2
                                ? cell.units()
                                : vars.get(i).shape().numDimensions() == 2
                                        ? vars.get(i).shape().size(0)
                                        : vars.get(i - 1).shape().size(0);
                float bound = (float) (1.0 / Math.sqrt(fanIn));
                SeededRandom rng = SeededRandom.derive(seed, i);
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) rng.nextDouble(-bound, bound);
                }
            }
            values.add(v);
        }
        return values;
    }

    int units() {
        return cell.units();
    }
}
