package io.replayflow.trainer.algo;

import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A scalar variable that a loss trains with its own Adam optimizer and learning rate, beside the
 * networks: CQL's {@code log alpha} in the Lagrangian form. The graph differentiates {@code loss}
 * with respect to {@code variable} only, after the networks' gradients are computed.
 *
 * @param variable the variable trained, {@code []}
 * @param loss what its optimizer minimises, {@code []}
 * @param learningRate Adam learning rate
 * @param min the variable is clipped into {@code [min, max]} after each update
 * @param max see {@code min}
 */
public record SideObjective(
        Variable<TFloat32> variable,
        Operand<TFloat32> loss,
        double learningRate,
        float min,
        float max) {

    public SideObjective {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(loss, "loss");
    }
}
