package io.replayflow.trainer.algo;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The per-sample TD loss {@code l(delta)} of a TD error {@code delta = y - Q(s, a)}. */
public enum TdLossFunction {
    /**
     * Huber: {@code 0.5 delta^2} for {@code |delta| <= k}, else {@code k (|delta| - 0.5 k)};
     * written as {@code 0.5 m^2 + k (|delta| - m)} with {@code m = min(|delta|, k)}, which is
     * smooth to differentiate.
     */
    HUBER("huber"),
    /** Squared error {@code delta^2} (PyTorch's {@code mse_loss}, as in CleanRL). */
    MSE("mse");

    private final String id;

    TdLossFunction(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static TdLossFunction parse(String id) {
        for (TdLossFunction f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("choose huber or mse");
    }

    /** Element-wise loss of {@code delta} {@code [batch]} → {@code [batch]}. */
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> delta, float huberDelta) {
        if (this == MSE) {
            return tf.math.square(delta);
        }
        Operand<TFloat32> k = tf.constant(huberDelta);
        Operand<TFloat32> abs = tf.math.abs(delta); // [batch]
        Operand<TFloat32> quadratic = tf.math.minimum(abs, k); // [batch]
        Operand<TFloat32> linear = tf.math.sub(abs, quadratic); // [batch]
        return tf.math.add(
                tf.math.mul(tf.constant(0.5f), tf.math.square(quadratic)), tf.math.mul(k, linear));
    }

    @Override
    public String toString() {
        return id;
    }
}
