package io.replayflow.trainer.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Target-network updates: a hard copy {@code target <- online}, or Polyak averaging {@code target
 * <- tau online + (1 - tau) target} (Lillicrap et al., 2016). Which one runs, and when, the trainer
 * decides from its global step and {@code trainer.target.update-period}.
 */
final class TargetUpdate {

    private TargetUpdate() {}

    /** An op that updates every target variable from its online twin with weight {@code tau}. */
    static Op build(
            Ops tf,
            String name,
            List<Variable<TFloat32>> online,
            List<Variable<TFloat32>> target,
            double tau) {
        if (online.size() != target.size()) {
            throw new IllegalStateException("online and target networks differ in shape");
        }
        Ops scope = tf.withSubScope(name);
        List<Op> assigns = new ArrayList<>();
        for (int i = 0; i < online.size(); i++) {
            Operand<TFloat32> value = online.get(i);
            if (tau < 1.0) {
                value =
                        scope.math.add(
                                scope.math.mul(scope.constant((float) tau), online.get(i)),
                                scope.math.mul(scope.constant((float) (1.0 - tau)), target.get(i)));
            }
            assigns.add(scope.assign(target.get(i), value));
        }
        return scope.withControlDependencies(assigns).withName("done").noOp();
    }
}
