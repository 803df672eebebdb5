package io.replayflow.trainer.graph;

import io.replayflow.trainer.TransitionSpec;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The inputs every segment graph ({@link SegmentGraph}) reads from a batch of {@code B} segments of
 * {@code T} steps, {@code N = B * T}: placeholders {@code inputs/obs}, {@code inputs/action},
 * {@code inputs/mask} and {@code inputs/bootstrap_obs}.
 *
 * @param obs the segments' observations {@code [N, ...obsShape]}
 * @param action the logged actions {@code [N]} int32
 * @param mask 1 on real steps, 0 on padding {@code [N]}
 * @param bootstrapObs the observation after each segment's last step {@code [B, ...obsShape]}
 */
public record SegmentInputs(
        Placeholder<TFloat32> obs,
        Placeholder<TInt32> action,
        Placeholder<TFloat32> mask,
        Placeholder<TFloat32> bootstrapObs) {

    /** The four placeholders in {@code in} (the graph's {@code inputs} scope). */
    static SegmentInputs create(Ops in, TransitionSpec spec) {
        Shape obsShape = obsShape(spec);
        return new SegmentInputs(
                in.withName("obs").placeholder(TFloat32.class, Placeholder.shape(obsShape)),
                in.withName("action").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1))),
                vector(in, "mask"),
                in.withName("bootstrap_obs")
                        .placeholder(TFloat32.class, Placeholder.shape(obsShape)));
    }

    /** {@code [-1, ...obsShape]}: any number of observations. */
    static Shape obsShape(TransitionSpec spec) {
        return Shape.of(spec.batchShape(-1));
    }

    /** A float placeholder {@code name} of any length {@code [-1]}. */
    static Placeholder<TFloat32> vector(Ops in, String name) {
        return in.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    }
}
