package io.replayflow.trainer.graph;

import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.net.RecurrentQNetwork;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * R2D2's computation as one graph, built once (Kapturowski et al., ICLR 2019; the recurrent
 * counterpart of {@link TrainingGraph}): an online and a target {@link RecurrentQNetwork} ({@code
 * online/...}, {@code target/...}), each unrolled statically over the {@code T} steps of {@code B}
 * segments.
 *
 * <ul>
 *   <li>inputs: {@code obs [B * T, d]}, {@code action [B * T]} int32, {@code mask [B * T]} (1 on
 *       real steps), {@code bootstrap_obs [B, d]}, the start states {@code state_h, state_c}
 *       (online) and {@code target_state_h, target_state_c} {@code [B, units]} ({@link
 *       LstmInputs}), and the TD targets {@code y [B * T]};
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
 *       one {@link GradientStep} on the online network only;
 *   <li>a burn-in path ({@link #burnInState()}): both networks unrolled over {@code burn_in_obs [B
 *       * K, d]} with {@code burn_in_mask} from the fed states, each giving its own start state,
 *       without gradient (R2D2 burns in both);
 *   <li>{@link #targetUpdate()}: {@code target <- tau online + (1 - tau) target}.
 * </ul>
 */
public final class RecurrentQGraph implements SegmentGraph {

    /** Positions in {@link #metrics()}. */
    public static final int TD = 0, Q_MEAN = 1, TD_ABS = 2, GRAD_NORM = 3;

    private final Placeholder<TFloat32> y; // [B * T]
    private final RecurrentQNetwork online;
    private final Operand<TFloat32> qOnline, qTarget; // [B * T, A]
    private final Operand<TFloat32> bootstrapOnline, bootstrapTarget; // [B, A]
    private final Op targetUpdate;
    private final Parts parts;
    private final VariableIo targetIo;

    /**
     * @param units the LSTM's width
     * @param length T, the steps of every segment batch fed
     * @param burnIn K, the steps of the burn-in path (0: none)
     * @param config the dense ReLU widths under the LSTM ({@code trainer.hidden}), the TD loss
     *     ({@code trainer.loss}, {@code trainer.huber-delta}), the target update's weight ({@code
     *     trainer.target.tau}, 1: a hard copy) and the optimizer ({@link GradientStep})
     */
    public RecurrentQGraph(
            Graph graph,
            TransitionSpec spec,
            int units,
            int length,
            int burnIn,
            TrainerConfig config) {
        if (length < 1 || burnIn < 0) {
            throw new IllegalArgumentException(
                    "segment length " + length + " must be >= 1, burn-in " + burnIn + " >= 0");
        }
        Ops tf = Ops.create(graph);
        Ops in = tf.withSubScope("inputs");
        SegmentInputs inputs = SegmentInputs.create(in, spec);
        y = SegmentInputs.vector(in, "y");
        LstmInputs lstm = LstmInputs.create(in, spec, units, "", "target_");
        Placeholder<TFloat32> obs = inputs.obs(), mask = inputs.mask();
        Placeholder<TFloat32> targetH = lstm.state().get(2), targetC = lstm.state().get(3);

        List<Integer> hidden = config.hidden();
        online = RecurrentQNetwork.build(tf.withSubScope("online"), hidden, units, spec);
        RecurrentQNetwork target =
                RecurrentQNetwork.build(tf.withSubScope("target"), hidden, units, spec);

        Ops fwd = tf.withSubScope("forward");
        RecurrentQNetwork.Step on =
                online.unroll(fwd, obs, mask, lstm.stateH(), lstm.stateC(), length);
        RecurrentQNetwork.Step tg = target.unroll(fwd, obs, mask, targetH, targetC, length);
        qOnline = fwd.withName("q_online").identity(on.q());
        qTarget = fwd.withName("q_target").identity(tg.q());
        bootstrapOnline =
                fwd.withName("bootstrap_online")
                        .identity(online.step(fwd, inputs.bootstrapObs(), on.h(), on.c()).q());
        bootstrapTarget =
                fwd.withName("bootstrap_target")
                        .identity(target.step(fwd, inputs.bootstrapObs(), tg.h(), tg.c()).q());

        List<Operand<TFloat32>> burnInState; // online h, c, target h, c [B, units]
        if (burnIn > 0) {
            Ops burn = tf.withSubScope("burn_in");
            Placeholder<TFloat32> bObs = lstm.burnInObs(), bMask = lstm.burnInMask();
            RecurrentQNetwork.Step b =
                    online.unroll(burn, bObs, bMask, lstm.stateH(), lstm.stateC(), burnIn);
            RecurrentQNetwork.Step bt = target.unroll(burn, bObs, bMask, targetH, targetC, burnIn);
            burnInState = List.of(b.h(), b.c(), bt.h(), bt.c());
        } else {
            burnInState = List.of();
        }

        Ops loss = tf.withSubScope("loss");
        Operand<TFloat32> onehot = // [N, A]
                loss.oneHot(
                        inputs.action(),
                        loss.constant(spec.numActions()),
                        loss.constant(1f),
                        loss.constant(0f));
        Operand<TFloat32> qTaken = // [N]
                loss.reduceSum(loss.math.mul(on.q(), onehot), loss.constant(1));
        Operand<TFloat32> delta = loss.math.sub(loss.stopGradient(y), qTaken); // [N]
        Operand<TFloat32> valid = // [] at least 1, so an all-padding batch gives 0
                loss.math.maximum(loss.reduceSum(mask, loss.constant(0)), loss.constant(1f));
        Operand<TFloat32> td =
                masked(
                        loss,
                        config.loss().apply(loss, delta, (float) config.huberDelta()),
                        mask,
                        valid);
        Operand<TFloat32> qMean = masked(loss, qTaken, mask, valid);
        Operand<TFloat32> tdAbs = masked(loss, loss.math.abs(delta), mask, valid);

        List<Variable<TFloat32>> vars = online.variables();
        GradientStep step = GradientStep.build(tf, td, vars, config);
        Operand<TFloat32> metrics =
                tf.withName("metrics").stack(List.of(td, qMean, tdAbs, step.gradNorm()));
        targetUpdate =
                TargetUpdate.build(
                        tf, "target_update", vars, target.variables(), config.targetTau());
        VariableIo io = new VariableIo(tf, "online_io", vars);
        parts = new Parts(inputs, lstm, burnInState, metrics, step.train(), step.globalStep(), io);
        targetIo = new VariableIo(tf, "target_io", target.variables());
    }

    /** {@code (1/N) sum_i m_i x_i} {@code []}. */
    private static Operand<TFloat32> masked(
            Ops tf, Operand<TFloat32> x, Operand<TFloat32> mask, Operand<TFloat32> n) {
        return tf.math.div(tf.reduceSum(tf.math.mul(x, mask), tf.constant(0)), n);
    }

    /** The TD targets {@code y [B * T]}. */
    public Placeholder<TFloat32> y() {
        return y;
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

    /** {@code target <- tau online + (1 - tau) target}. */
    public Op targetUpdate() {
        return targetUpdate;
    }

    public RecurrentQNetwork network() {
        return online;
    }

    /** Reads and writes the target network's variables. */
    public VariableIo targetIo() {
        return targetIo;
    }

    @Override
    public Parts parts() {
        return parts;
    }
}
