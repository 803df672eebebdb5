package io.replayflow.trainer.net;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Creating variables whose initialiser runs in the init scope. */
public final class Variables {

    private Variables() {}

    /**
     * A float variable named {@code name} under {@code scope}, initialised to zeros by {@code
     * Session.initialize()}. Real initial values are written afterwards from Java ({@link
     * WeightInit}), so no weights are baked into the graph as constants.
     */
    public static Variable<TFloat32> zeros(Ops scope, String name, Shape shape) {
        Ops init = scope.withInitScope();
        return scope.withName(name)
                .variable(init.zeros(init.constant(shape.asArray()), TFloat32.class));
    }
}
