package io.replayflow.trainer.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Clipping by global norm (Pascanu, Mikolov and Bengio, ICML 2013; TensorFlow's {@code
 * clip_by_global_norm}):
 *
 * <pre>
 *   norm = sqrt(sum_k ||g_k||^2)
 *   g_k <- g_k * c / max(norm, c)
 * </pre>
 *
 * which leaves gradients alone while {@code norm <= c} and rescales all of them together otherwise.
 *
 * @param clipped the clipped gradients, in the input order
 * @param norm the global norm before clipping {@code []}
 */
record GlobalNormClip(List<Operand<TFloat32>> clipped, Operand<TFloat32> norm) {

    /** Clips to {@code maxNorm}; {@code maxNorm == 0} only measures the norm. */
    static GlobalNormClip of(Ops tf, List<Operand<TFloat32>> grads, double maxNorm) {
        Ops scope = tf.withSubScope("clip");
        Operand<TFloat32> sumOfSquares = null;
        for (Operand<TFloat32> g : grads) {
            Operand<TFloat32> s = scope.reduceSum(scope.math.square(g), allAxes(scope, g));
            sumOfSquares = sumOfSquares == null ? s : scope.math.add(sumOfSquares, s);
        }
        Operand<TFloat32> norm = scope.withName("global_norm").math.sqrt(sumOfSquares);
        if (maxNorm == 0) {
            return new GlobalNormClip(grads, norm);
        }
        Operand<TFloat32> c = scope.constant((float) maxNorm);
        Operand<TFloat32> scale = scope.math.div(c, scope.math.maximum(norm, c)); // []
        List<Operand<TFloat32>> clipped = new ArrayList<>(grads.size());
        for (Operand<TFloat32> g : grads) {
            clipped.add(scope.math.mul(g, scale));
        }
        return new GlobalNormClip(clipped, norm);
    }

    private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<TFloat32> g) {
        int rank = g.shape().numDimensions();
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = i;
        }
        return tf.constant(axes);
    }
}
