package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Behaviour cloning (Pomerleau, "ALVINN: An Autonomous Land Vehicle in a Neural Network", NIPS
 * 1988; here in the discrete form that offline-RL comparisons use as their baseline): maximum
 * likelihood of the logged action under a softmax over the network's outputs, which are read as
 * logits {@code f(s, a)}:
 *
 * <pre>
 *   ce_i  = logsumexp_a f(s_i, a) - f(s_i, a_i)         (= -log softmax(f(s_i, .))[a_i])
 *   total = mean_i w_i * ce_i                           (w = 1 under uniform sampling)
 * </pre>
 *
 * No rewards, no target network, no bootstrap: only {@code obs} and {@code action} of the batch are
 * read. The exported policy is the greedy one, {@code argmax_a f(s, a)}, under the same serving
 * signature as the Q-learning algorithms ({@code q_values} holds the logits).
 *
 * <p>Named parts: {@code td} holds the weighted cross-entropy (the data-fit term, so {@code total =
 * td}), {@code conservative} is 0, the per-sample "TD error" is {@code ce_i} (so priority updates
 * still have a per-sample magnitude: badly imitated rows get sampled more), and {@code mean_q} is
 * the mean logit of the logged action. {@code ce_i} is exactly CQL's per-sample gap; CQL(H) is a
 * Double DQN loss plus {@code alpha} times this cross-entropy (unweighted).
 */
public final class BcLoss implements QLoss {

    @Override
    public Algo algo() {
        return Algo.BC;
    }

    @Override
    public LossParts build(LossInputs in) {
        Ops tf = in.tf();
        Operand<TFloat32> logits = in.online().apply(tf, in.obs()); // [batch, numActions]
        Operand<TFloat32> taken =
                DqnLoss.valueOf(tf, logits, in.action(), in.numActions()); // [batch]
        Operand<TFloat32> crossEntropy = // [batch]
                tf.withName("td_error").math.sub(CqlLoss.logSumExp(tf, logits), taken);
        Operand<TFloat32> td =
                tf.withName("td_loss")
                        .math
                        .mean(tf.math.mul(in.weight(), crossEntropy), tf.constant(0)); // []
        Operand<TFloat32> conservative =
                tf.withName("conservative_loss").identity(tf.constant(0f)); // []
        Operand<TFloat32> total = tf.withName("total_loss").identity(td); // []
        Operand<TFloat32> meanLogit = tf.withName("mean_q").math.mean(taken, tf.constant(0)); // []
        return new LossParts(total, td, conservative, crossEntropy, meanLogit);
    }
}
