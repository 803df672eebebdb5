package io.replayflow.trainer.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Adam (Kingma and Ba, ICLR 2015) with TensorFlow's fused {@code ApplyAdam} kernel, one per
 * variable:
 *
 * <pre>
 *   t       = step + 1
 *   m      <- beta1 m + (1 - beta1) g
 *   v      <- beta2 v + (1 - beta2) g^2
 *   theta  <- theta - lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
 * </pre>
 *
 * The slots {@code m} and {@code v} are variables named after the variable they serve ({@code
 * adam/online.dense_0.kernel.m}), and {@code beta^t} is computed from the global step, so a
 * checkpoint of the graph's variables holds the whole optimizer state. Written with raw ops because
 * the framework optimizers differentiate every variable in the graph, target network included.
 */
final class AdamOptimizer {

    private final Ops tf;
    private final Operand<TFloat32> lr;
    private final Operand<TFloat32> beta1;
    private final Operand<TFloat32> beta2;
    private final Operand<TFloat32> epsilon;

    /**
     * @param lr the learning rate {@code []}, an operand of the same graph: a constant or a
     *     schedule ({@link GradientStep#learningRate})
     */
    AdamOptimizer(Ops tf, Operand<TFloat32> lr, double beta1, double beta2, double epsilon) {
        this.tf = tf.withSubScope("adam");
        this.lr = lr;
        this.beta1 = this.tf.constant((float) beta1);
        this.beta2 = this.tf.constant((float) beta2);
        this.epsilon = this.tf.constant((float) epsilon);
    }

    /**
     * One update of every variable from its gradient, then {@code step += 1}; returns the op that
     * runs all of it. No variable changes before {@code allGradients} has run: backprop reads the
     * (in-place updated) variables, so every gradient must be complete first.
     */
    Op minimize(
            List<Variable<TFloat32>> vars,
            List<Operand<TFloat32>> grads,
            Operand<?> allGradients,
            Variable<TInt64> step) {
        Ops tf = this.tf.withControlDependencies(List.of(allGradients));
        Operand<TFloat32> t =
                tf.math.add(tf.dtypes.cast(step, TFloat32.class), tf.constant(1f)); // []
        Operand<TFloat32> beta1Power = tf.math.pow(beta1, t);
        Operand<TFloat32> beta2Power = tf.math.pow(beta2, t);
        List<Op> updates = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Variable<TFloat32> var = vars.get(i);
            String slot = var.op().name().replace('/', '.');
            Variable<TFloat32> m = zerosLike(this.tf, slot + ".m", var);
            Variable<TFloat32> v = zerosLike(this.tf, slot + ".v", var);
            updates.add(
                    tf.train.applyAdam(
                            var,
                            m,
                            v,
                            beta1Power,
                            beta2Power,
                            lr,
                            beta1,
                            beta2,
                            epsilon,
                            grads.get(i),
                            ApplyAdam.useLocking(false)));
        }
        Op increment = tf.withControlDependencies(updates).assignAdd(step, tf.constant(1L));
        return tf.withControlDependencies(List.of(increment)).withName("minimize").noOp();
    }

    private static Variable<TFloat32> zerosLike(Ops scope, String name, Variable<TFloat32> var) {
        return io.replayflow.trainer.net.Variables.zeros(scope, name, var.shape());
    }
}
