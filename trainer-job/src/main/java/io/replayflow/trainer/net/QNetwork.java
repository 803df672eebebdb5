package io.replayflow.trainer.net;

import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>An {@linkplain #ensemble ensemble} is K such networks of the same architecture, each with its
 * own variables, whose outputs are read as policy logits and combined by averaging probabilities:
 * {@code apply} returns {@code log mean_k softmax(f_k(s, .))}, the logits of the mixture policy
 * (its argmax is the argmax of the mean probabilities); {@link #members()} gives each member's own
 * logits for training.
 */
public final class QNetwork {

    private final List<Step> steps;
    private final boolean scalePixels;
    private final float[] inputShift; // [obsSize], or null: inputs as they are
    private final float[] inputScale; // [obsSize], or null
    private final int numActions;
    private final List<QNetwork> members; // empty unless an ensemble

    /** A layer, or a reshape to {@code [batch, size]} before the next one. */
    private record Step(Layer layer, int flattenTo) {}

    private QNetwork(
            List<Step> steps,
            boolean scalePixels,
            float[] inputShift,
            float[] inputScale,
            int numActions) {
        this.steps = List.copyOf(steps);
        this.scalePixels = scalePixels;
        this.inputShift = inputShift;
        this.inputScale = inputScale;
        this.numActions = numActions;
        this.members = List.of();
    }

    private QNetwork(List<QNetwork> members) {
        this.steps = List.of();
        this.scalePixels = false;
        this.inputShift = null;
        this.inputScale = null;
        this.numActions = members.get(0).numActions();
        this.members = List.copyOf(members);
    }

    /**
     * The ensemble of {@code members} (at least 2, all with the same number of outputs, none an
     * ensemble itself), whose {@link #apply} is the log of their mean softmax probabilities.
     */
    public static QNetwork ensemble(List<QNetwork> members) {
        if (members.size() < 2) {
            throw new IllegalArgumentException(
                    "an ensemble needs at least 2 members, got " + members.size());
        }
        for (QNetwork m : members) {
            if (m.isEnsemble() || m.numActions() != members.get(0).numActions()) {
                throw new IllegalArgumentException(
                        "ensemble members must be plain networks with the same number of outputs");
            }
        }
        return new QNetwork(members);
    }

    /** The member networks of an ensemble, or this network alone. */
    public List<QNetwork> members() {
        return members.isEmpty() ? List.of(this) : members;
    }

    /** Whether this is an {@link #ensemble} of several networks. */
    public boolean isEnsemble() {
        return !members.isEmpty();
    }

    static Builder builder(Ops scope, TransitionSpec spec) {
        return new Builder(scope, spec);
    }

    /** {@code Q(obs, .)}: {@code [batch, ...obsShape]} float → {@code [batch, numActions]}. */
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> obs) {
        if (isEnsemble()) {
            return mixtureLogits(tf, obs);
        }
        Operand<TFloat32> x = scalePixels ? tf.math.mul(obs, tf.constant(1f / 255f)) : obs;
        if (inputScale != null) { // an MLP's float inputs, flattened first: [batch, obsSize]
            x = tf.reshape(x, tf.constant(new long[] {-1, inputScale.length}));
            x = tf.math.mul(tf.math.sub(x, tf.constant(inputShift)), tf.constant(inputScale));
        }
        for (Step step : steps) {
            if (step.layer() == null) {
                x = tf.reshape(x, tf.constant(new long[] {-1, step.flattenTo()}));
            } else {
                x = step.layer().apply(tf, x);
            }
        }
        return x;
    }

    /**
     * {@code log mean_k softmax(f_k(obs, .)) = logsumexp_k log_softmax(f_k(obs, .)) - log K},
     * {@code [batch, numActions]}.
     */
    private Operand<TFloat32> mixtureLogits(Ops tf, Operand<TFloat32> obs) {
        List<Operand<TFloat32>> logProbs = new ArrayList<>(members.size());
        for (QNetwork m : members) {
            logProbs.add(tf.nn.logSoftmax(m.apply(tf, obs))); // [batch, numActions]
        }
        Operand<TFloat32> stacked = tf.stack(logProbs); // [K, batch, numActions]
        Operand<TFloat32> max = tf.stopGradient(tf.max(stacked, tf.constant(0))); // [batch, A]
        Operand<TFloat32> sumExp = // [batch, numActions]
                tf.sum(tf.math.exp(tf.math.sub(stacked, max)), tf.constant(0));
        return tf.math.sub(
                tf.math.add(max, tf.math.log(sumExp)),
                tf.constant((float) Math.log(members.size())));
    }

    /** Every variable, layer by layer, kernel before bias; an ensemble's member by member. */
    public List<Variable<TFloat32>> variables() {
        List<Variable<TFloat32>> vars = new ArrayList<>();
        for (QNetwork m : members) {
            vars.addAll(m.variables());
        }
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
        for (QNetwork m : members) {
            Arrays.stream(m.fanIns()).forEach(fanIns::add);
        }
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
        private float[] inputShift;
        private float[] inputScale;

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

        /**
         * Maps each float input component {@code i} to {@code (x_i - shift[i]) * scale[i]} before
         * the first layer; both arrays have one entry per component (the caller checks).
         */
        Builder scaleInputs(float[] shift, float[] scale) {
            inputShift = shift.clone();
            inputScale = scale.clone();
            return this;
        }

        QNetwork build() {
            return new QNetwork(
                    steps,
                    !unscaled && spec.obsType() == TransitionSpec.ObsType.UINT8,
                    inputShift,
                    inputScale,
                    spec.numActions());
        }
    }
}
