package io.replayflow.trainer.net;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One LSTM cell (Hochreiter &amp; Schmidhuber, "Long Short-Term Memory", 1997, with the forget gate
 * of Gers, Schmidhuber &amp; Cummins, 2000), composed from MatMul, Sigmoid, Tanh, Mul and Add,
 * whose gradients TensorFlow's C++ gradient registry has (TF Java 1.1 has no LSTM layer of its
 * own):
 *
 * <pre>
 *   z  = x W_x + h W_h + b                       [batch, 4 units], columns i | f | g | o
 *   i  = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_g)   o = sigmoid(z_o)
 *   c' = f * c + i * g                           [batch, units]
 *   h' = o * tanh(c')                            [batch, units]
 * </pre>
 *
 * The gate order is Keras' ({@code i, f, c, o}). At initialisation the forget-gate bias is 1 and
 * the other biases 0 (Jozefowicz, Zaremba &amp; Sutskever, 2015: the cell starts by remembering).
 */
final class LstmCell {

    /** Gate column blocks of {@code z}, in order. */
    static final int INPUT = 0, FORGET = 1, CELL = 2, OUTPUT = 3;

    private final Variable<TFloat32> kernelX; // [in, 4 units]
    private final Variable<TFloat32> kernelH; // [units, 4 units]
    private final Variable<TFloat32> bias; // [4 units]
    private final int in;
    private final int units;

    LstmCell(Ops scope, int in, int units) {
        this.kernelX = Variables.zeros(scope, "kernel_x", Shape.of(in, 4L * units));
        this.kernelH = Variables.zeros(scope, "kernel_h", Shape.of(units, 4L * units));
        this.bias = Variables.zeros(scope, "bias", Shape.of(4L * units));
        this.in = in;
        this.units = units;
    }

    /** The state of one step: {@code h} and {@code c}, each {@code [batch, units]}. */
    record State(Operand<TFloat32> h, Operand<TFloat32> c) {}

    /** {@code x W_x + b} {@code [rows, 4 units]}: the input's part of {@code z}, for many steps. */
    Operand<TFloat32> inputProjection(Ops tf, Operand<TFloat32> x) {
        return tf.nn.biasAdd(tf.linalg.matMul(x, kernelX), bias);
    }

    /**
     * One step from {@code state} given the input's projection {@code xProj} {@code [batch, 4u]}.
     */
    State step(Ops tf, Operand<TFloat32> xProj, State state) {
        Operand<TFloat32> z = tf.math.add(xProj, tf.linalg.matMul(state.h(), kernelH));
        Operand<TFloat32> i = tf.math.sigmoid(gate(tf, z, INPUT));
        Operand<TFloat32> f = tf.math.sigmoid(gate(tf, z, FORGET));
        Operand<TFloat32> g = tf.math.tanh(gate(tf, z, CELL));
        Operand<TFloat32> o = tf.math.sigmoid(gate(tf, z, OUTPUT));
        Operand<TFloat32> c = tf.math.add(tf.math.mul(f, state.c()), tf.math.mul(i, g));
        return new State(tf.math.mul(o, tf.math.tanh(c)), c);
    }

    private Operand<TFloat32> gate(Ops tf, Operand<TFloat32> z, int block) {
        return tf.slice(
                z, tf.constant(new int[] {0, block * units}), tf.constant(new int[] {-1, units}));
    }

    /** {@code kernel_x, kernel_h, bias}. */
    List<Variable<TFloat32>> variables() {
        return List.of(kernelX, kernelH, bias);
    }

    int inputWidth() {
        return in;
    }

    int units() {
        return units;
    }
}
