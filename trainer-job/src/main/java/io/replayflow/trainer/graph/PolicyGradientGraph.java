package io.replayflow.trainer.graph;

import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.PolicyGradientLoss;
import io.replayflow.trainer.net.ActorCritic;
import io.replayflow.trainer.net.QNetworkSpec;
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
    private final ActorCritic net;
    private final Operand<TFloat32> value;
    private final Operand<TFloat32> logPiTaken;
    private final Operand<TFloat32> bootstrapValue;
    private final Operand<TFloat32> metrics;
    private final Op train;
    private final Variable<TInt64> globalStep;
    private final VariableIo io;

    /**
     * @param trunk the actor-critic's trunk architecture
     * @param valueCoef {@code c_v}
     * @param entropyCoef {@code c_e}
     */
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

        net = ActorCritic.build(tf.withSubScope("online"), trunk, spec);
        Ops fwd = tf.withSubScope("forward");
        ActorCritic.Heads heads = net.apply(fwd, obs);
        value = fwd.withName("value").identity(heads.value());
        logPiTaken =
                fwd.withName("log_pi_taken")
                        .identity(
                                PolicyGradientLoss.logProbOf(
                                        fwd, fwd.nn.logSoftmax(heads.logits()), action));
        bootstrapValue =
                fwd.withName("bootstrap_value").identity(net.apply(fwd, bootstrapObs).value());

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
        List<Variable<TFloat32>> vars = net.variables();
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

    public ActorCritic network() {
        return net;
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
