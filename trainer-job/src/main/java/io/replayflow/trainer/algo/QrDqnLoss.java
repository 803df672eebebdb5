package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.net.QNetwork;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Quantile-regression DQN (Dabney, Rowland, Bellemare and Munos, "Distributional Reinforcement
 * Learning with Quantile Regression", AAAI 2018), on n-step returns. The online network gives N
 * quantiles {@code theta_j(s, a)} of the return's distribution at the midpoints {@code tau_j = (2j
 * + 1) / 2N}; the policy acts on their mean, {@code Q(s, a) = mean_j theta_j(s, a)}:
 *
 * <pre>
 *   a*_i      = argmax_a mean_j theta_target_j(s'_i, a)             (the target network, as the paper)
 *   T_ij      = R_i + gamma^n (1 - terminated_i) * theta_target_j(s'_i, a*_i)   (no gradient)
 *   u_ikj     = T_ij - theta_k(s_i, a_i)                           (every target j, every quantile k)
 *   rho(u, k) = |tau_k - 1{u < 0}| * L_kappa(u) / kappa              (L_kappa: Huber with threshold kappa)
 *   loss_i    = sum_k mean_j rho(u_ikj, k)
 *   td        = mean_i  w_i * loss_i
 * </pre>
 *
 * The Huber threshold is {@code trainer.huber-delta} (kappa = 1 in the paper); {@code trainer.loss}
 * does not apply (the quantile loss is Huber by construction). The TD error reported for priorities
 * and metrics is the difference of the means, {@code mean_j T_ij - Q(s_i, a_i)}.
 */
public final class QrDqnLoss implements QLoss {

    private final float kappa;

    /**
     * @param kappa the quantile Huber loss's threshold, {@code > 0}
     */
    public QrDqnLoss(float kappa) {
        if (!(kappa > 0) || !Float.isFinite(kappa)) {
            throw new IllegalArgumentException(
                    "QR-DQN's Huber threshold (trainer.huber-delta) must be > 0, got " + kappa);
        }
        this.kappa = kappa;
    }

    @Override
    public Algo algo() {
        return Algo.QR_DQN;
    }

    @Override
    public LossParts build(LossInputs in) {
        Ops tf = in.tf();
        QNetwork online = in.online();
        int n = online.quantileCount();
        if (!online.isQuantiles() || !in.target().isQuantiles()) {
            throw new IllegalStateException(
                    "QR-DQN needs quantile networks (TrainerConfig.onlineNetworkSpec)");
        }
        int numActions = in.numActions();
        Operand<TFloat32> theta = online.quantileValues(tf, in.obs()); // [B, A, N]
        Operand<TFloat32> thetaTaken = // [B, N]
                atAction(tf, theta, in.action(), numActions);

        Operand<TFloat32> nextTheta = in.target().quantileValues(tf, in.nextObs()); // [B, A, N]
        Operand<TInt64> nextAction = // [B]
                tf.math.argMax(
                        tf.math.mean(nextTheta, tf.constant(2)), tf.constant(1), TInt64.class);
        Operand<TFloat32> nextTaken = atAction(tf, nextTheta, nextAction, numActions); // [B, N]
        Operand<TFloat32> targets = // [B, N]
                tf.stopGradient(
                        tf.math.add(
                                tf.expandDims(in.nStepReturn(), tf.constant(1)),
                                tf.math.mul(
                                        tf.expandDims(in.bootstrapDiscount(), tf.constant(1)),
                                        nextTaken)));

        // u[i, k, j] = T[i, j] - theta[i, k]
        Operand<TFloat32> u =
                tf.math.sub(
                        tf.expandDims(targets, tf.constant(1)),
                        tf.expandDims(thetaTaken, tf.constant(2))); // [B, N, N]
        float[] midpoints = new float[n];
        for (int k = 0; k < n; k++) {
            midpoints[k] = (2f * k + 1f) / (2f * n);
        }
        Operand<TFloat32> tau = // [1, N, 1]
                tf.reshape(tf.constant(midpoints), tf.constant(new long[] {1, n, 1}));
        Operand<TFloat32> below = // 1{u < 0}, [B, N, N]
                tf.dtypes.cast(tf.math.less(u, tf.constant(0f)), TFloat32.class);
        Operand<TFloat32> huber = TdLossFunction.HUBER.apply(tf, u, kappa); // [B, N, N]
        Operand<TFloat32> rho =
                tf.math.mul(
                        tf.math.abs(tf.math.sub(tau, below)),
                        tf.math.div(huber, tf.constant(kappa))); // [B, N, N]
        Operand<TFloat32> perSample = // sum over k of the mean over j: [B]
                tf.reduceSum(tf.math.mean(rho, tf.constant(2)), tf.constant(1));
        Operand<TFloat32> td =
                tf.withName("td_loss")
                        .math
                        .mean(tf.math.mul(in.weight(), perSample), tf.constant(0)); // []
        Operand<TFloat32> qTaken = tf.math.mean(thetaTaken, tf.constant(1)); // [B]
        Operand<TFloat32> tdError = // [B]
                tf.withName("td_error").math.sub(tf.math.mean(targets, tf.constant(1)), qTaken);
        Operand<TFloat32> conservative = tf.withName("conservative_loss").constant(0f);
        Operand<TFloat32> total = tf.withName("total_loss").identity(td);
        Operand<TFloat32> meanQ = tf.withName("mean_q").math.mean(qTaken, tf.constant(0));
        return new LossParts(total, td, conservative, tdError, meanQ, List.of());
    }

    /** {@code values[i, action_i, :]}: {@code [B, A, N]} and {@code [B]} → {@code [B, N]}. */
    private static Operand<TFloat32> atAction(
            Ops tf, Operand<TFloat32> values, Operand<? extends TNumber> action, int numActions) {
        Operand<TFloat32> mask = // [B, A, 1]
                tf.expandDims(
                        tf.oneHot(
                                action, tf.constant(numActions), tf.constant(1f), tf.constant(0f)),
                        tf.constant(2));
        return tf.reduceSum(tf.math.mul(values, mask), tf.constant(1));
    }
}
