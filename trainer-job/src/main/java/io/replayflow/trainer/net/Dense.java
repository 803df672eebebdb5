package io.replayflow.trainer.net;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** {@code y = x W + b}, optionally followed by ReLU. W: {@code [in, out]}, b: {@code [out]}. */
final class Dense implements Layer {

    private final Variable<TFloat32> kernel; // [in, out]
    private final Variable<TFloat32> bias; // [out]
    private final boolean relu;
    private final int in;

    Dense(Ops scope, int in, int out, boolean relu) {
        this.kernel = Variables.zeros(scope, "kernel", Shape.of(in, out));
        this.bias = Variables.zeros(scope, "bias", Shape.of(out));
        this.relu = relu;
        this.in = in;
    }

    @Override
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input) {
        Operand<TFloat32> y = tf.nn.biasAdd(tf.linalg.matMul(input, kernel), bias);
        return relu ? tf.nn.relu(y) : y;
    }

    @Override
    public List<Variable<TFloat32>> variables() {
        return List.of(kernel, bias);
    }

    @Override
    public int fanIn() {
        return in;
    }
}
