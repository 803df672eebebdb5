package io.replayflow.trainer.graph;

import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.PolicyGradientLoss;
import io.replayflow.trainer.net.ActorCritic;
import io.replayflow.trainer.net.QNetworkSpec;
import io.replayflow.trainer.net.RecurrentActorCritic;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

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
 *   <li>the loss of {@link PolicyGradientLoss#build} and one {@link GradientStep} on the network.
 * </ul>
 *
 * A learner step is two session runs: the forward path, then (with the targets computed in Java)
 * {@link #train()} fetching {@link #metrics()}.
 *
 * <p>With a {@link Recurrence} the actor-critic is a {@link RecurrentActorCritic} unrolled
 * statically over the {@code T} steps of each segment: {@code obs} and {@code mask} are read as
 * {@code B} sequences of {@code T}, starting from the state fed to {@code state_h}, {@code state_c}
 * {@code [B, units]} ({@link LstmInputs}); the loss is unchanged over the unrolled outputs and the
 * valid mask, and the bootstrap value is one more cell step on {@code bootstrap_obs} from the state
 * after each segment's last valid step. A separate path, {@link #burnInState()}, unrolls the same
 * network over {@code burn_in_obs [B * K, ...]} with {@code burn_in_mask [B * K]} from the fed
 * state: the learner runs it first (no gradient flows through it, as in R2D2) and feeds its result
 * as the segments' starting state.
 */
public final class PolicyGradientGraph implements SegmentGraph {

    /** Positions in {@link #metrics()}. */
    public static final int TOTAL = 0, POLICY = 1, VALUE = 2, ENTROPY = 3, GRAD_NORM = 4;

    private final Parts parts;
    private final Placeholder<TFloat32> advantage; // [N]
    private final Placeholder<TFloat32> valueTarget; // [N]
    private final Recurrence recurrence; // null: feed-forward
    private final ActorCritic net; // null when recurrent
    private final RecurrentActorCritic recurrentNet; // null when feed-forward
    private final Operand<TFloat32> value; // [N]
    private final Operand<TFloat32> logPiTaken; // [N]
    private final Operand<TFloat32> bootstrapValue; // [B]

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

    /**
     * @param trunk the actor-critic's trunk architecture (feed-forward)
     * @param recurrence the LSTM core, or null for the feed-forward actor-critic on {@code trunk}
     * @param valueCoef {@code c_v}
     * @param entropyCoef {@code c_e}
     * @param optimizer {@code trainer.lr}, {@code trainer.adam.*}, {@code trainer.grad-clip-norm}
     */
    public PolicyGradientGraph(
            Graph graph,
            TransitionSpec spec,
            QNetworkSpec trunk,
            Recurrence recurrence,
            float valueCoef,
            float entropyCoef,
            TrainerConfig optimizer) {
        this.recurrence = recurrence;
        if (spec.obsType() != TransitionSpec.ObsType.FLOAT32) {
            throw new IllegalArgumentException(
                    "the policy-gradient learner takes float observations; "
                            + spec
                            + " has images: use a Q-learning algorithm for image environments");
        }
        Ops tf = Ops.create(graph);
        Ops in = tf.withSubScope("inputs");
        SegmentInputs inputs = SegmentInputs.create(in, spec);
        advantage = SegmentInputs.vector(in, "advantage");
        valueTarget = SegmentInputs.vector(in, "value_target");
        LstmInputs lstm =
                recurrence == null ? null : LstmInputs.create(in, spec, recurrence.units(), "");

        Ops fwd = tf.withSubScope("forward");
        ActorCritic.Heads heads;
        Operand<TFloat32> bootstrap;
        List<Variable<TFloat32>> vars;
        List<Operand<TFloat32>> burnInState; // h, c [B, units]
        if (recurrence == null) {
            net = ActorCritic.build(tf.withSubScope("online"), trunk, spec);
            heads = net.apply(fwd, inputs.obs());
            bootstrap = net.apply(fwd, inputs.bootstrapObs()).value();
            vars = net.variables();
            recurrentNet = null;
            burnInState = List.of();
        } else {
            net = null;
            recurrentNet =
                    RecurrentActorCritic.build(
                            tf.withSubScope("online"),
                            recurrence.hidden(),
                            recurrence.units(),
                            spec);
            RecurrentActorCritic.Step unrolled =
                    recurrentNet.unroll(
                            fwd,
                            inputs.obs(),
                            inputs.mask(),
                            lstm.stateH(),
                            lstm.stateC(),
                            recurrence.length());
            heads = unrolled.heads();
            bootstrap =
                    recurrentNet
                            .step(fwd, inputs.bootstrapObs(), unrolled.h(), unrolled.c())
                            .heads()
                            .value();
            vars = recurrentNet.variables();
            burnInState = burnIn(tf, recurrentNet, lstm, recurrence.burnIn());
        }
        value = fwd.withName("value").identity(heads.value());
        logPiTaken =
                fwd.withName("log_pi_taken")
                        .identity(
                                PolicyGradientLoss.logProbOf(
                                        fwd, fwd.nn.logSoftmax(heads.logits()), inputs.action()));
        bootstrapValue = fwd.withName("bootstrap_value").identity(bootstrap);

        PolicyGradientLoss.Parts loss =
                PolicyGradientLoss.build(
                        tf.withSubScope("loss"),
                        heads.logits(),
                        heads.value(),
                        inputs.action(),
                        advantage,
                        valueTarget,
                        inputs.mask(),
                        valueCoef,
                        entropyCoef);
        GradientStep step = GradientStep.build(tf, loss.total(), vars, optimizer);
        Operand<TFloat32> metrics =
                tf.withName("metrics")
                        .stack(
                                List.of(
                                        loss.total(),
                                        loss.policy(),
                                        loss.value(),
                                        loss.entropy(),
                                        step.gradNorm()));
        VariableIo io = new VariableIo(tf, "online_io", vars);
        parts = new Parts(inputs, lstm, burnInState, metrics, step.train(), step.globalStep(), io);
    }

    /** {@code h, c} after the network's unroll over the burn-in prefixes; none when K is 0. */
    private static List<Operand<TFloat32>> burnIn(
            Ops tf, RecurrentActorCritic lstm, LstmInputs in, int burnIn) {
        if (burnIn == 0) {
            return List.of();
        }
        Ops burn = tf.withSubScope("burn_in");
        RecurrentActorCritic.Step b =
                lstm.unroll(
                        burn, in.burnInObs(), in.burnInMask(), in.stateH(), in.stateC(), burnIn);
        return List.of(
                burn.withName("state_h").identity(b.h()), burn.withName("state_c").identity(b.c()));
    }

    public Placeholder<TFloat32> advantage() {
        return advantage;
    }

    public Placeholder<TFloat32> valueTarget() {
        return valueTarget;
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

    @Override
    public Parts parts() {
        return parts;
    }
}
