package io.replayflow.trainer.graph;

import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.PolicyGradientLoss;
import io.replayflow.trainer.net.ActorCritic;
import io.replayflow.trainer.net.QNetworkSpec;
import io.replayflow.trainer.net.RecurrentActorCritic;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The policy-gradient computation as one graph, built once (the counterpart of {@link
 * TrainingGraph} for actor-critics):
 *
 * <ul>
 *   <li>inputs over the {@code N = B * T} steps of a segment batch: {@code obs [N, ...]}, {@code
 *       action [N]} int32, {@code advantage [N]}, {@code value_target [N]}, {@code mask [N]}; and
 *       {@code bootstrap_obs [B, ...]};
 *   <li>the actor-critic ({@code online/...}) applied to both;
 *   <li>a forward path: {@code value [N]}, {@code log_pi_taken [N]} (for the importance ratios) and
 *       {@code bootstrap_value [B]}, what {@link PolicyGradientLoss#targets} needs;
 *   <li>the loss of {@link PolicyGradientLoss#build}, its gradients with respect to the network,
 *       clipped by global norm, applied by Adam, and {@code global_step += 1}.
 * </ul>
 *
 * A learner step is two session runs: the forward path, then (with the targets computed in Java)
 * {@link #train()} fetching {@link #metrics()}.
 *
 * <p>With a {@link Recurrence} the actor-critic is a {@link RecurrentActorCritic} unrolled
 * statically over the {@code T} steps of each segment: {@code obs} and {@code mask} are read as
 * {@code B} sequences of {@code T}, starting from the state fed to {@code state_h}, {@code state_c}
 * {@code [B, units]}; the loss is unchanged over the unrolled outputs and the valid mask, and the
 * bootstrap value is one more cell step on {@code bootstrap_obs} from the state after each
 * segment's last valid step. A separate path, {@link #burnInState()}, unrolls the same network over
 * {@code burn_in_obs [B * K, ...]} with {@code burn_in_mask [B * K]} from the fed state: the
 * learner runs it first (no gradient flows through it, as in R2D2) and feeds its result as the
 * segments' starting state.
 */
public final class PolicyGradientGraph {

    /** Positions in {@link #metrics()}. */
    public static final int TOTAL = 0, POLICY = 1, VALUE = 2, ENTROPY = 3, GRAD_NORM = 4;

    private final Placeholder<TFloat32> obs;
    private final Placeholder<TInt32> action;
    private final Placeholder<TFloat32> advantage;
    private final Placeholder<TFloat32> valueTarget;
    private final Placeholder<TFloat32> mask;
    private final Placeholder<TFloat32> bootstrapObs;
    private final ActorCritic net; // null when recurrent
    private final RecurrentActorCritic recurrentNet; // null when feed-forward
    private final Operand<TFloat32> value;
    private final Operand<TFloat32> logPiTaken;
    private final Operand<TFloat32> bootstrapValue;
    private final Operand<TFloat32> metrics;
    private final Op train;
    private final Variable<TInt64> globalStep;
    private final VariableIo io;
    private final Recurrence recurrence; // null: feed-forward
    private final Placeholder<TFloat32> stateH; // [B, units]
    private final Placeholder<TFloat32> stateC; // [B, units]
    private final Placeholder<TFloat32> burnInObs; // [B * K, ...obsShape]
    private final Placeholder<TFloat32> burnInMask; // [B * K]
    private final List<Operand<TFloat32>> burnInState; // h, c [B, units]

    /**
     * The recurrent core and its static unroll lengths.
     *
     * @param hidden dense ReLU widths under the LSTM
     * @param units the LSTM's width
     * @param length T, the steps of every segment batch fed
     * @param burnIn K, the steps of the burn-in path (0: none)
     */
    public record Recurrence(List<Integer> hidden, int units, int length, int burnIn) {
        public Recurrence {
            hidden = List.copyOf(hidden);
            if (units < 1 || length < 1 || burnIn < 0) {
                throw new IllegalArgumentException(
                        "LSTM units "
                                + units
                                + " and segment length "
                                + length
                                + " must be >= 1, burn-in "
                                + burnIn
                                + " >= 0");
            }
        }
    }

    /** A feed-forward actor-critic on {@code trunk}. */
    public PolicyGradientGraph(
            Graph graph,
            TransitionSpec spec,
            QNetworkSpec trunk,
            float valueCoef,
            float entropyCoef,
            double lr,
            double adamBeta1,
            double adamBeta2,
            double adamEpsilon,
            double gradClipNorm) {
        this(
                graph,
                spec,
                trunk,
                null,
                valueCoef,
                entropyCoef,
                lr,
                adamBeta1,
                adamBeta2,
                adamEpsilon,
                gradClipNorm);
    }

    /**
     * @param trunk the actor-critic's trunk architecture (feed-forward)
     * @param recurrence the LSTM core, or null for the feed-forward actor-critic on {@code trunk}
     * @param valueCoef {@code c_v}
     * @param entropyCoef {@code c_e}
     */
    public PolicyGradientGraph(
            Graph graph,
            TransitionSpec spec,
            QNetworkSpec trunk,
            Recurrence recurrence,
            float valueCoef,
            float entropyCoef,
            double lr,
            double adamBeta1,
            double adamBeta2,
            double adamEpsilon,
            double gradClipNorm) {
        this.recurrence = recurrence;
        if (spec.obsType() != TransitionSpec.ObsType.FLOAT32) {
            throw new IllegalArgumentException(
                    "the policy-gradient learner takes float observations; "
                            + spec
                            + " has images: use a Q-learning algorithm for image environments");
        }
        Ops tf = Ops.create(graph);
        Ops in = tf.withSubScope("inputs");
        Shape obsShape = Shape.of(spec.batchShape(-1));
        obs = in.withName("obs").placeholder(TFloat32.class, Placeholder.shape(obsShape));
        action = in.withName("action").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        advantage = vector(in, "advantage");
        valueTarget = vector(in, "value_target");
        mask = vector(in, "mask");
        bootstrapObs =
                in.withName("bootstrap_obs")
                        .placeholder(TFloat32.class, Placeholder.shape(obsShape));

        Ops fwd = tf.withSubScope("forward");
        ActorCritic.Heads heads;
        Operand<TFloat32> bootstrap;
        List<Variable<TFloat32>> vars;
        if (recurrence == null) {
            net = ActorCritic.build(tf.withSubScope("online"), trunk, spec);
            heads = net.apply(fwd, obs);
            bootstrap = net.apply(fwd, bootstrapObs).value();
            vars = net.variables();
            recurrentNet = null;
            stateH = stateC = burnInObs = burnInMask = null;
            burnInState = List.of();
        } else {
            net = null;
            RecurrentActorCritic lstm =
                    RecurrentActorCritic.build(
                            tf.withSubScope("online"),
                            recurrence.hidden(),
                            recurrence.units(),
                            spec);
            recurrentNet = lstm;
            Shape state = Shape.of(-1, recurrence.units());
            stateH = in.withName("state_h").placeholder(TFloat32.class, Placeholder.shape(state));
            stateC = in.withName("state_c").placeholder(TFloat32.class, Placeholder.shape(state));
            RecurrentActorCritic.Step unrolled =
                    lstm.unroll(fwd, obs, mask, stateH, stateC, recurrence.length());
            heads = unrolled.heads();
            bootstrap = lstm.step(fwd, bootstrapObs, unrolled.h(), unrolled.c()).heads().value();
            vars = lstm.variables();
            burnInObs =
                    in.withName("burn_in_obs")
                            .placeholder(TFloat32.class, Placeholder.shape(obsShape));
            burnInMask = vector(in, "burn_in_mask");
            if (recurrence.burnIn() > 0) {
                Ops burn = tf.withSubScope("burn_in");
                RecurrentActorCritic.Step b =
                        lstm.unroll(
                                burn, burnInObs, burnInMask, stateH, stateC, recurrence.burnIn());
                burnInState =
                        List.of(
                                burn.withName("state_h").identity(b.h()),
                                burn.withName("state_c").identity(b.c()));
            } else {
                burnInState = List.of();
            }
        }
        value = fwd.withName("value").identity(heads.value());
        logPiTaken =
                fwd.withName("log_pi_taken")
                        .identity(
                                PolicyGradientLoss.logProbOf(
                                        fwd, fwd.nn.logSoftmax(heads.logits()), action));
        bootstrapValue = fwd.withName("bootstrap_value").identity(bootstrap);

        PolicyGradientLoss.Parts loss =
                PolicyGradientLoss.build(
                        tf.withSubScope("loss"),
                        heads.logits(),
                        heads.value(),
                        action,
                        advantage,
                        valueTarget,
                        mask,
                        valueCoef,
                        entropyCoef);
        globalStep = tf.withName("global_step").variable(tf.withInitScope().constant(0L));
        Gradients grads = tf.withSubScope("gradients").gradients(loss.total(), vars);
        List<Operand<TFloat32>> g = new ArrayList<>(vars.size());
        for (int i = 0; i < vars.size(); i++) {
            g.add(grads.dy(i));
        }
        GlobalNormClip clip = GlobalNormClip.of(tf, g, gradClipNorm);
        train =
                new AdamOptimizer(tf, lr, adamBeta1, adamBeta2, adamEpsilon)
                        .minimize(vars, clip.clipped(), clip.norm(), globalStep);
        metrics =
                tf.withName("metrics")
                        .stack(
                                List.of(
                                        loss.total(),
                                        loss.policy(),
                                        loss.value(),
                                        loss.entropy(),
                                        clip.norm()));
        io = new VariableIo(tf, "online_io", vars);
    }

    private static Placeholder<TFloat32> vector(Ops tf, String name) {
        return tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    }

    public Placeholder<TFloat32> obs() {
        return obs;
    }

    public Placeholder<TInt32> action() {
        return action;
    }

    public Placeholder<TFloat32> advantage() {
        return advantage;
    }

    public Placeholder<TFloat32> valueTarget() {
        return valueTarget;
    }

    public Placeholder<TFloat32> mask() {
        return mask;
    }

    public Placeholder<TFloat32> bootstrapObs() {
        return bootstrapObs;
    }

    /** The feed-forward actor-critic; null with a {@link Recurrence}. */
    public ActorCritic network() {
        return net;
    }

    /** The recurrent actor-critic; null without a {@link Recurrence}. */
    public RecurrentActorCritic recurrentNetwork() {
        return recurrentNet;
    }

    /** The LSTM core's settings, or null for a feed-forward actor-critic. */
    public Recurrence recurrence() {
        return recurrence;
    }

    /** The state at each sequence's start {@code [B, units]} (recurrent only). */
    public Placeholder<TFloat32> stateH() {
        return stateH;
    }

    /** See {@link #stateH()}. */
    public Placeholder<TFloat32> stateC() {
        return stateC;
    }

    /** Burn-in prefixes {@code [B * K, ...obsShape]}, left-padded (recurrent only). */
    public Placeholder<TFloat32> burnInObs() {
        return burnInObs;
    }

    /** 1 on a prefix's real steps, 0 on its left padding {@code [B * K]} (recurrent only). */
    public Placeholder<TFloat32> burnInMask() {
        return burnInMask;
    }

    /**
     * {@code h, c} {@code [B, units]} after the burn-in prefixes, from the state fed to {@link
     * #stateH()} and {@link #stateC()}; empty when the burn-in is 0 or the core feed-forward.
     */
    public List<Operand<TFloat32>> burnInState() {
        return burnInState;
    }

    /** {@code V(obs)} {@code [N]}. */
    public Operand<TFloat32> value() {
        return value;
    }

    /** {@code log pi(action|obs)} under the current weights {@code [N]}. */
    public Operand<TFloat32> logPiTaken() {
        return logPiTaken;
    }

    /** {@code V(bootstrap_obs)} {@code [B]}. */
    public Operand<TFloat32> bootstrapValue() {
        return bootstrapValue;
    }

    /** {@code [total, policy, value, entropy, grad_norm]}, indexed by {@link #TOTAL} etc. */
    public Operand<TFloat32> metrics() {
        return metrics;
    }

    /** One Adam step on the actor-critic and {@code global_step += 1}. */
    public Op train() {
        return train;
    }

    public Variable<TInt64> globalStep() {
        return globalStep;
    }

    /** Reads and writes the actor-critic's variables. */
    public VariableIo io() {
        return io;
    }
}
