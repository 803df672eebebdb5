package io.replayflow.trainer.net;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** One layer of a {@link QNetwork}: its variables, created once, and how it maps an input. */
interface Layer {

    /** Applies the layer; may be called several times (e.g. on obs and next_obs). */
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input);

    /** Kernel first, then bias. */
    List<Variable<TFloat32>> variables();

    /** Fan-in of each variable, for initialisation, in the order of {@link #variables()}. */
    int fanIn();
}
