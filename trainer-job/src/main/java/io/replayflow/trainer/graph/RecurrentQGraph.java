package io.replayflow.trainer.graph;

import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.TdLossFunction;
import io.replayflow.trainer.net.RecurrentQNetwork;
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
 * R2D2's computation as one graph, built once (Kapturowski et al., ICLR 2019; the recurrent
 * counterpart of {@link TrainingGraph}): an online and a target {@link RecurrentQNetwork} ({@code
 * online/...}, {@code target/...}), each unrolled statically over the {@code T} steps of {@code B}
 * segments.
 *
 * <ul>
 *   <li>inputs: {@code obs [B * T, d]}, {@code action [B * T]} int32, {@code mask [B * T]} (1 on
 *       real steps), {@code bootstrap_obs [B, d]}, the start states {@code state_h, state_c}
 *       (online) and {@code target_state_h, target_state_c} {@code [B, units]}, and the TD targets
 *       {@code y [B * T]};
 *   <li>a forward path: {@link #qOnline()}, {@link #qTarget()} {@code [B * T, A]} and each
 *       network's {@code Q} on {@code bootstrap_obs}, one more cell step from the state after the
 *       segment's last valid step ({@link #bootstrapOnline()}, {@link #bootstrapTarget()} {@code
 *       [B, A]}): what the Double DQN targets ({@code io.replayflow.trainer.r2d2.R2d2Targets}) are
 *       computed from, in Java;
 *   <li>the loss over the valid steps {@code i}, {@code N = sum_i m_i}:
 *       <pre>
 *   delta_i = y_i - Q(s_i, a_i)                (y a constant: no gradient into the target)
 *   td      = (1/N) sum_i m_i l(delta_i)       l = Huber(k) or delta^2 (trainer.loss)
 *       </pre>
 *       its gradients with respect to the online network only, clipped by global norm, applied by
 *       Adam, and {@code global_step += 1};
 *   <li>a burn-in path ({@link #burnInState()}): both networks unrolled over {@code burn_in_obs [B
 *       * K, d]} with {@code burn_in_mask} from the fed states, each giving its own start state,
 *       without gradient (R2D2 burns in both);
 *   <li>{@link #targetUpdate()}: {@code target <- tau online + (1 - tau) target}.
 * </ul>
 */
public final class RecurrentQGraph {

    /** Positions in {@link #metrics()}. */
    public static final int TD = 0, Q_MEAN = 1, TD_ABS = 2, GRAD_NORM = 3;

    private final int length;
    private final int burnIn;
    private final Placeholder<TFloat32> obs;
    private final Placeholder<TInt32> action;
    private final Placeholder<TFloat32> mask;
    private final Placeholder<TFloat32> bootstrapObs;
    private final Placeholder<TFloat32> y;
    private final Placeholder<TFloat32> stateH, stateC; // [B, units]
    private final Placeholder<TFloat32> targetStateH, targetStateC; // [B, units]
    private final Placeholder<TFloat32> burnInObs; // [B * K, d]
    private final Placeholder<TFloat32> burnInMask; // [B * K]
    private final RecurrentQNetwork online;
    private final Operand<TFloat32> qOnline, qTarget; // [B * T, A]
    private final Operand<TFloat32> bootstrapOnline, bootstrapTarget; // [B, A]
    private final List<Operand<TFloat32>> burnInState; // online h, c, target h, c
    private final Operand<TFloat32> metrics;
    private final Op train;
    private final Op targetUpdate;
    private final Variable<TInt64> globalStep;
    private final VariableIo io;
    private final VariableIo targetIo;

    /**
     * @param hidden dense ReLU widths under the LSTM
     * @param units the LSTM's width
     * @param length T, the steps of every segment batch fed
     * @param burnIn K, the steps of the burn-in path (0: none)
     * @param tau the target update's weight (1: a hard copy)
     */
    public RecurrentQGraph(
            Graph graph,
            TransitionSpec spec,
            List<Integer> hidden,
            int units,
            int length,
            int burnIn,
            TdLossFunction lossFunction,
            float huberDelta,
            double lr,
            double adamBeta1,
            double adamBeta2,
            double adamEpsilon,
            double gradClipNorm,
            double tau) {
        if (length < 1 || burnIn < 0) {
            throw new IllegalArgumentException(
                    "segment length " + length + " must be >= 1, burn-in " + burnIn + " >= 0");
        }
        this.length = length;
        this.burnIn = burnIn;
        Ops tf = Ops.create(graph);
        Ops in = tf.withSubScope("inputs");
        Shape obsShape = Shape.of(spec.batchShape(-1));
        Shape state = Shape.of(-1, units);
        obs = in.withName("obs").placeholder(TFloat32.class, Placeholder.shape(obsShape));
        action = in.withName("action").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        mask = vector(in, "mask");
        y = vector(in, "y");
        bootstrapObs =
                in.withName("bootstrap_obs")
                        .placeholder(TFloat32.class, Placeholder.shape(obsShape));
        stateH = in.withName("state_h").placeholder(TFloat32.class, Placeholder.shape(state));
        stateC = in.withName("state_c").placeholder(TFloat32.class, Placeholder.shape(state));
        targetStateH =
                in.withName("target_state_h").placeholder(TFloat32.class, Placeholder.shape(state));
        targetStateC =
                in.withName("target_state_c").placeholder(TFloat32.class, Placeholder.shape(state));
        burnInObs =
                in.withName("burn_in_obs").placeholder(TFloat32.class, Placeholder.shape(obsShape));
        burnInMask = vector(in, "burn_in_mask");

        online = RecurrentQNetwork.build(tf.withSubScope("online"), hidden, units, spec);
        RecurrentQNetwork target =
                RecurrentQNetwork.build(tf.withSubScope("target"), hidden, units, spec);

        Ops fwd = tf.withSubScope("forward");
        RecurrentQNetwork.Step on = online.unroll(fwd, obs, mask, stateH, stateC, length);
        RecurrentQNetwork.Step tg =
                target.unroll(fwd, obs, mask, targetStateH, targetStateC, length);
        qOnline = fwd.withName("q_online").identity(on.q());
        qTarget = fwd.withName("q_target").identity(tg.q());
        bootstrapOnline =
                fwd.withName("bootstrap_online")
                        .identity(online.step(fwd, bootstrapObs, on.h(), on.c()).q());
        bootstrapTarget =
                fwd.withName("bootstrap_target")
                        .identity(target.step(fwd, bootstrapObs, tg.h(), tg.c()).q());

        if (burnIn > 0) {
            Ops burn = tf.withSubScope("burn_in");
            RecurrentQNetwork.Step b =
                    online.unroll(burn, burnInObs, burnInMask, stateH, stateC, burnIn);
            RecurrentQNetwork.Step bt =
                    target.unroll(burn, burnInObs, burnInMask, targetStateH, targetStateC, burnIn);
            burnInState = List.of(b.h(), b.c(), bt.h(), bt.c());
        } else {
            burnInState = List.of();
        }

        Ops loss = tf.withSubScope("loss");
        Operand<TFloat32> onehot = // [N, A]
                loss.oneHot(
                        action,
                        loss.constant(spec.numActions()),
                        loss.constant(1f),
                        loss.constant(0f));
        Operand<TFloat32> qTaken = // [N]
                loss.reduceSum(loss.math.mul(on.q(), onehot), loss.constant(1));
        Operand<TFloat32> delta = loss.math.sub(loss.stopGradient(y), qTaken); // [N]
        Operand<TFloat32> valid = // [] at least 1, so an all-padding batch gives 0
                loss.math.maximum(loss.reduceSum(mask, loss.constant(0)), loss.constant(1f));
        Operand<TFloat32> td =
                masked(loss, lossFunction.apply(loss, delta, huberDelta), mask, valid);
        Operand<TFloat32> qMean = masked(loss, qTaken, mask, valid);
        Operand<TFloat32> tdAbs = masked(loss, loss.math.abs(delta), mask, valid);

        List<Variable<TFloat32>> vars = online.variables();
        globalStep = tf.withName("global_step").variable(tf.withInitScope().constant(0L));
        Gradients grads = tf.withSubScope("gradients").gradients(td, vars);
        List<Operand<TFloat32>> g = new ArrayList<>(vars.size());
        for (int i = 0; i < vars.size(); i++) {
            g.add(grads.dy(i));
        }
        GlobalNormClip clip = GlobalNormClip.of(tf, g, gradClipNorm);
        train =
                new AdamOptimizer(tf, lr, adamBeta1, adamBeta2, adamEpsilon)
                        .minimize(vars, clip.clipped(), clip.norm(), globalStep);
        metrics = tf.withName("metrics").stack(List.of(td, qMean, tdAbs, clip.norm()));
        targetUpdate = TargetUpdate.build(tf, "target_update", vars, target.variables(), tau);
        io = new VariableIo(tf, "online_io", vars);
        targetIo = new VariableIo(tf, "target_io", target.variables());
    }

    /** {@code (1/N) sum_i m_i x_i} {@code []}. */
    private static Operand<TFloat32> masked(
            Ops tf, Operand<TFloat32> x, Operand<TFloat32> mask, Operand<TFloat32> n) {
        return tf.math.div(tf.reduceSum(tf.math.mul(x, mask), tf.constant(0)), n);
    }

    private static Placeholder<TFloat32> vector(Ops tf, String name) {
        return tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    }

    /** T, the steps of every segment. */
    public int length() {
        return length;
    }

    /** K, the burn-in steps (0: none). */
    public int burnIn() {
        return burnIn;
    }

    public Placeholder<TFloat32> obs() {
        return obs;
    }

    public Placeholder<TInt32> action() {
        return action;
    }

    public Placeholder<TFloat32> mask() {
        return mask;
    }

    public Placeholder<TFloat32> bootstrapObs() {
        return bootstrapObs;
    }

    /** The TD targets {@code y [B * T]}. */
    public Placeholder<TFloat32> y() {
        return y;
    }

    public Placeholder<TFloat32> stateH() {
        return stateH;
    }

    public Placeholder<TFloat32> stateC() {
        return stateC;
    }

    public Placeholder<TFloat32> targetStateH() {
        return targetStateH;
    }

    public Placeholder<TFloat32> targetStateC() {
        return targetStateC;
    }

    public Placeholder<TFloat32> burnInObs() {
        return burnInObs;
    }

    public Placeholder<TFloat32> burnInMask() {
        return burnInMask;
    }

    /** Online {@code h, c}, then target {@code h, c} after the burn-in; empty when K is 0. */
    public List<Operand<TFloat32>> burnInState() {
        return burnInState;
    }

    /** {@code Q_online(s_i, .)} {@code [B * T, A]}. */
    public Operand<TFloat32> qOnline() {
        return qOnline;
    }

    /** {@code Q_target(s_i, .)} {@code [B * T, A]}. */
    public Operand<TFloat32> qTarget() {
        return qTarget;
    }

    /** {@code Q_online(bootstrap_obs, .)} {@code [B, A]}. */
    public Operand<TFloat32> bootstrapOnline() {
        return bootstrapOnline;
    }

    /** {@code Q_target(bootstrap_obs, .)} {@code [B, A]}. */
    public Operand<TFloat32> bootstrapTarget() {
        return bootstrapTarget;
    }

    /** {@code [td, q_mean, |td error| mean, grad_norm]}, indexed by {@link #TD} etc. */
    public Operand<TFloat32> metrics() {
        return metrics;
    }

    /** One Adam step on the online network and {@code global_step += 1}. */
    public Op train() {
        return train;
    }

    public Op targetUpdate() {
        return targetUpdate;
    }

    public Variable<TInt64> globalStep() {
        return globalStep;
    }

    public RecurrentQNetwork network() {
        return online;
    }

    /** Reads and writes the online network's variables. */
    public VariableIo io() {
        return io;
    }

    /** Reads and writes the target network's variables. */
    public VariableIo targetIo() {
        return targetIo;
    }
}
