package io.replayflow.trainer.net;

import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
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
 *
 * <p>A {@linkplain #quantiles quantile network} (QR-DQN) is such a network with N outputs per
 * action, the quantiles of the return's distribution: {@link #quantileValues} gives them, {@code
 * apply} their mean, the action value every other reader (inference, export) takes.
 */
public final class QNetwork {

    private final List<Step> steps;
    private final boolean scalePixels;
    private final float[] inputShift; // [obsSize], or null: inputs as they are
    private final float[] inputScale; // [obsSize], or null
    private final int numActions;
    private final List<QNetwork> members; // empty unless an ensemble
    private final QNetwork body; // the plain network a quantile or dueling network reads; or null
    private final int quantiles; // 0 unless a quantile network
    private final boolean dueling;

    /** A layer, or a reshape to {@code [batch, size]} before the next one. */
    private record Step(Layer layer, int flattenTo) {}

    private QNetwork(
            List<Step> steps,
            boolean scalePixels,
            float[] inputShift,
            float[] inputScale,
            int numActions,
            List<QNetwork> members,
            QNetwork body,
            int quantiles,
            boolean dueling) {
        this.steps = List.copyOf(steps);
        this.scalePixels = scalePixels;
        this.inputShift = inputShift;
        this.inputScale = inputScale;
        this.numActions = numActions;
        this.members = List.copyOf(members);
        this.body = body;
        this.quantiles = quantiles;
        this.dueling = dueling;
    }

    /** A network of its own layers. */
    private static QNetwork layers(
            List<Step> steps,
            boolean scalePixels,
            float[] inputShift,
            float[] inputScale,
            int numActions) {
        return new QNetwork(
                steps, scalePixels, inputShift, inputScale, numActions, List.of(), null, 0, false);
    }

    /** A network made of other networks (an ensemble's members, a quantile or dueling body). */
    private static QNetwork over(
            int numActions, List<QNetwork> members, QNetwork body, int quantiles, boolean dueling) {
        return new QNetwork(
                List.of(), false, null, null, numActions, members, body, quantiles, dueling);
    }

    /**
     * The dueling network over {@code body} (Wang et al., "Dueling Network Architectures for Deep
     * Reinforcement Learning", ICML 2016), whose {@code 1 + outputs} outputs are read as the state
     * value {@code V(s)} (column 0) and the advantages {@code A(s, a)}: {@link #apply} is {@code
     * V(s) + A(s, a) - mean_a' A(s, a')}, the paper's equation 9.
     */
    public static QNetwork dueling(QNetwork body, int outputs) {
        if (body.isEnsemble() || body.isQuantiles() || body.isDueling()) {
            throw new IllegalArgumentException("a dueling network's body must be a plain network");
        }
        return over(outputs, List.of(), body, 0, true);
    }

    /** Whether this is a {@linkplain #dueling dueling network}. */
    public boolean isDueling() {
        return dueling;
    }

    /**
     * The quantile network over {@code body}, whose {@code outputs x quantiles} outputs are read as
     * {@code [outputs, quantiles]} (row {@code a * N + j}: quantile {@code j} of action {@code a});
     * {@link #apply} is their mean over quantiles, {@link #quantileValues} the quantiles.
     */
    public static QNetwork quantiles(QNetwork body, int outputs, int quantiles) {
        if (body.isEnsemble() || body.isQuantiles() || body.isDueling()) {
            throw new IllegalArgumentException("a quantile network's body must be a plain network");
        }
        return over(outputs, List.of(), body, quantiles, false);
    }

    /** Whether this is a {@linkplain #quantiles quantile network} (QR-DQN). */
    public boolean isQuantiles() {
        return quantiles > 0;
    }

    /** Quantiles per action of a {@linkplain #quantiles quantile network}; 0 otherwise. */
    public int quantileCount() {
        return quantiles;
    }

    /**
     * The quantiles {@code [batch, numActions, N]} of a {@linkplain #quantiles quantile network}.
     *
     * @throws IllegalStateException for any other network
     */
    public Operand<TFloat32> quantileValues(Ops tf, Operand<TFloat32> obs) {
        if (!isQuantiles()) {
            throw new IllegalStateException("not a quantile network");
        }
        return tf.reshape(body.apply(tf, obs), tf.constant(new long[] {-1, numActions, quantiles}));
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
            if (m.isEnsemble()
                    || m.isQuantiles()
                    || m.isDueling()
                    || m.numActions() != members.get(0).numActions()) {
                throw new IllegalArgumentException(
                        "ensemble members must be plain networks with the same number of outputs");
            }
        }
        return over(members.get(0).numActions(), members, null, 0, false);
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
        if (isQuantiles()) { // [batch, numActions, N] -> their mean [batch, numActions]
            return tf.math.mean(quantileValues(tf, obs), tf.constant(2));
        }
        if (isDueling()) { // [batch, 1 + numActions] -> V + A - mean(A)
            Operand<TFloat32> y = body.apply(tf, obs);
            Operand<TFloat32> v =
                    tf.slice(y, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1}));
            Operand<TFloat32> a =
                    tf.slice(y, tf.constant(new int[] {0, 1}), tf.constant(new int[] {-1, -1}));
            return tf.math.add(
                    v, tf.math.sub(a, tf.math.mean(a, tf.constant(1), Mean.keepDims(true))));
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
        if (body != null) { // a quantile or dueling network: its body's
            return body.variables();
        }
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
        if (body != null) {
            return body.fanIns();
        }
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
            return layers(
                    steps,
                    !unscaled && spec.obsType() == TransitionSpec.ObsType.UINT8,
                    inputShift,
                    inputScale,
                    spec.numActions());
        }
    }
}
