package io.replayflow.trainer.net;

import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A built Q-network: its variables (created once) and {@link #apply}, which maps observations
 * {@code [batch, ...obsShape]} to action values {@code [batch, numActions]}. Applying it twice (to
 * {@code obs} and {@code next_obs}) shares the variables.
 *
 * <p>uint8-image specs are scaled by 1/255 first, so callers feed raw pixel values as floats,
 * unless the architecture keeps the values as they are ({@link Builder#unscaled}: MinAtar's 0/1
 * images).
 */
public final class QNetwork {

    private final List<Step> steps;
    private final boolean scalePixels;
    private final int numActions;

    /** A layer, or a reshape to {@code [batch, size]} before the next one. */
    private record Step(Layer layer, int flattenTo) {}

    private QNetwork(List<Step> steps, boolean scalePixels, int numActions) {
        this.steps = List.copyOf(steps);
        this.scalePixels = scalePixels;
        this.numActions = numActions;
    }

    static Builder builder(Ops scope, TransitionSpec spec) {
        return new Builder(scope, spec);
    }

    /** {@code Q(obs, .)}: {@code [batch, ...obsShape]} float → {@code [batch, numActions]}. */
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> obs) {
        Operand<TFloat32> x = scalePixels ? tf.math.mul(obs, tf.constant(1f / 255f)) : obs;
        for (Step step : steps) {
            if (step.layer() == null) {
                x = tf.reshape(x, tf.constant(new long[] {-1, step.flattenTo()}));
            } else {
                x = step.layer().apply(tf, x);
            }
        }
        return x;
    }

    /** Every variable, layer by layer, kernel before bias. */
    public List<Variable<TFloat32>> variables() {
        List<Variable<TFloat32>> vars = new ArrayList<>();
        for (Step step : steps) {
            if (step.layer() != null) {
                vars.addAll(step.layer().variables());
            }
        }
        return vars;
    }

    /** Fan-in of each variable in {@link #variables()} order (for initialisation). */
    public int[] fanIns() {
        List<Integer> fanIns = new ArrayList<>();
        for (Step step : steps) {
            if (step.layer() != null) {
                for (int i = 0; i < step.layer().variables().size(); i++) {
                    fanIns.add(step.layer().fanIn());
                }
            }
        }
        return fanIns.stream().mapToInt(Integer::intValue).toArray();
    }

    public int numActions() {
        return numActions;
    }

    /** Assembles layers in order; each layer's variables go under its own sub-scope. */
    static final class Builder {
        private final Ops scope;
        private final TransitionSpec spec;
        private final List<Step> steps = new ArrayList<>();
        private boolean unscaled;

        private Builder(Ops scope, TransitionSpec spec) {
            this.scope = Objects.requireNonNull(scope);
            this.spec = Objects.requireNonNull(spec);
        }

        /** Reshapes to {@code [batch, size]}. */
        Builder flatten(int size) {
            steps.add(new Step(null, size));
            return this;
        }

        Builder dense(String name, int in, int out, boolean relu) {
            steps.add(new Step(new Dense(scope.withSubScope(name), in, out, relu), 0));
            return this;
        }

        Builder conv(String name, int kernel, int stride, int in, int out) {
            steps.add(new Step(new Conv2d(scope.withSubScope(name), kernel, stride, in, out), 0));
            return this;
        }

        /** Feeds uint8 values to the first layer as they are, without the 1/255 scaling. */
        Builder unscaled() {
            unscaled = true;
            return this;
        }

        QNetwork build() {
            return new QNetwork(
                    steps,
                    !unscaled && spec.obsType() == TransitionSpec.ObsType.UINT8,
                    spec.numActions());
        }
    }
}
