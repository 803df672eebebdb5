package io.replayflow.trainer.graph;

import io.replayflow.trainer.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One training step on a scalar loss, as every training graph takes it: the gradients of {@code
 * loss} with respect to {@code vars} only (never a target network or an optimizer slot), clipped by
 * global norm ({@link GlobalNormClip}, {@code trainer.grad-clip-norm}), applied by Adam ({@link
 * AdamOptimizer}: {@code trainer.lr}, {@code trainer.adam.*}), then {@code global_step += 1}.
 *
 * @param train the op that runs all of it
 * @param gradNorm the gradients' global norm before clipping {@code []}
 * @param globalStep the step counter, variable {@code global_step} (saved in checkpoints)
 */
record GradientStep(Op train, Operand<TFloat32> gradNorm, Variable<TInt64> globalStep) {

    static GradientStep build(
            Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> vars, TrainerConfig config) {
        Variable<TInt64> globalStep =
                tf.withName("global_step").variable(tf.withInitScope().constant(0L));
        Gradients grads = tf.withSubScope("gradients").gradients(loss, vars);
        List<Operand<TFloat32>> g = new ArrayList<>(vars.size());
        for (int i = 0; i < vars.size(); i++) {
            g.add(grads.dy(i));
        }
        GlobalNormClip clip = GlobalNormClip.of(tf, g, config.gradClipNorm());
        Op train =
                new AdamOptimizer(
                                tf,
                                learningRate(tf, config, globalStep),
                                config.adamBeta1(),
                                config.adamBeta2(),
                                config.adamEpsilon())
                        .minimize(vars, clip.clipped(), clip.norm(), globalStep);
        return new GradientStep(train, clip.norm(), globalStep);
    }

    /**
     * {@code trainer.lr}, or with {@code trainer.lr.decay-steps} D > 0 the linear schedule {@code
     * lr_end + (lr - lr_end) * max(0, 1 - step / D)} of the global step before this update.
     */
    static Operand<TFloat32> learningRate(
            Ops tf, TrainerConfig config, Variable<TInt64> globalStep) {
        Ops s = tf.withSubScope("learning_rate");
        if (config.lrDecaySteps() == 0) {
            return s.constant((float) config.lr());
        }
        Operand<TFloat32> left = // max(0, 1 - step / D)
                s.math.maximum(
                        s.constant(0f),
                        s.math.sub(
                                s.constant(1f),
                                s.math.div(
                                        s.dtypes.cast(globalStep, TFloat32.class),
                                        s.constant((float) config.lrDecaySteps()))));
        return s.withName("value")
                .math
                .add(
                        s.constant((float) config.lrEnd()),
                        s.math.mul(s.constant((float) (config.lr() - config.lrEnd())), left));
    }
}
