package io.replayflow.trainer.net;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A VALID-padded NHWC convolution followed by ReLU. Kernel: {@code [k, k, in, out]}, bias: {@code
 * [out]}.
 */
final class Conv2d implements Layer {

    private final Variable<TFloat32> kernel; // [k, k, in, out]
    private final Variable<TFloat32> bias; // [out]
    private final List<Long> strides;
    private final int fanIn;

    Conv2d(Ops scope, int kernelSize, int stride, int in, int out) {
        this.kernel = Variables.zeros(scope, "kernel", Shape.of(kernelSize, kernelSize, in, out));
        this.bias = Variables.zeros(scope, "bias", Shape.of(out));
        this.strides = List.of(1L, (long) stride, (long) stride, 1L);
        this.fanIn = kernelSize * kernelSize * in;
    }

    /** Output side length of a VALID convolution. */
    static int outputSize(int inputSize, int kernelSize, int stride) {
        return (inputSize - kernelSize) / stride + 1;
    }

    @Override
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input) {
        return tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(input, kernel, strides, "VALID"), bias));
    }

    @Override
    public List<Variable<TFloat32>> variables() {
        return List.of(kernel, bias);
    }

    @Override
    public int fanIn() {
        return fanIn;
    }
}
