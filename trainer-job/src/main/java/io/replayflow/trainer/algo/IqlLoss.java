package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.net.QNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Discrete Implicit Q-learning (Kostrikov, Nair and Levine, "Offline Reinforcement Learning with
 * Implicit Q-Learning", ICLR 2022): Q and V are fitted only on actions in the data, V as an upper
 * expectile of Q, so no out-of-data action is ever evaluated; the policy is extracted afterwards by
 * advantage-weighted regression, here a weighted cross-entropy over the discrete actions:
 *
 * <pre>
 *   u_i    = Q_target(s_i, a_i) - V(s_i)                         (Q_target a constant)
 *   value  = mean_i |tau - 1(u_i < 0)| u_i^2                     (expectile loss, eq. 5)
 *   y_i    = R_i + gamma^n (1 - terminated_i) * V(s'_i)           (V a constant, eq. 6)
 *   td     = mean_i w_i * l(y_i - Q(s_i, a_i))                    (l = Huber or squared error)
 *   policy = sum_k mean_i min(exp(beta * u_i), 100) * (logsumexp_a f_k(s_i, a) - f_k(s_i, a_i))  (eq. 7)
 *   total  = td + value + policy
 * </pre>
 *
 * with {@code tau = trainer.iql.expectile} and {@code beta = trainer.iql.beta}; the weights {@code
 * exp(beta u)} are constants. The three terms touch disjoint variables (Q in aux network "q", V in
 * aux network "v", the policy logits {@code f} in the online network), so minimising their sum is
 * the paper's three separate updates, with one learning rate and one clipping norm for all.
 *
 * <p>The online network, the one exported, is the policy: the artifact's {@code q_values} are the
 * policy logits {@code f(s, .)} and its {@code action} is {@code argmax_a f(s, a)}, the most
 * probable action of the extracted policy (as for behaviour cloning). With {@code
 * trainer.iql.policies = K > 1} the online network is an ensemble of K policy networks {@code f_k}
 * from independent initialisations, each trained on its own cross-entropy above (the sum over
 * {@code k}); the exported logits are {@code log mean_k softmax(f_k(s, .))} and the action their
 * argmax, so the policies' disagreement where the data is thin averages out. With K = 1 the sum has
 * one term, the paper's loss.
 *
 * <p>Named parts: {@code td} is the Q loss, {@code conservative} is {@code value + policy}, the
 * per-sample TD error is {@code y_i - Q(s_i, a_i)} and {@code mean_q} the mean {@code Q(s_i, a_i)}.
 * The paper's squared Q loss is {@code trainer.loss=mse}; Huber is the trainer's default.
 */
public final class IqlLoss implements QLoss {

    /** Name of the Q-network in {@link LossInputs#aux}. */
    public static final String Q = "q";

    /** Name of the state-value network in {@link LossInputs#aux}. */
    public static final String V = "v";

    /** Cap on the policy weights {@code exp(beta u)}, as in the paper's code. */
    static final float MAX_WEIGHT = 100f;

    private final TdLossFunction tdLoss;
    private final float huberDelta;
    private final float expectile;
    private final float beta;
    private final int critics;

    public IqlLoss(TdLossFunction tdLoss, float huberDelta, float expectile, float beta) {
        this(tdLoss, huberDelta, expectile, beta, 1);
    }

    /**
     * @param critics how many (Q, V) pairs: 1 shared by every policy network, or as many as there
     *     are policy networks ({@code trainer.iql.critics})
     */
    public IqlLoss(
            TdLossFunction tdLoss, float huberDelta, float expectile, float beta, int critics) {
        this.tdLoss = Objects.requireNonNull(tdLoss, "tdLoss");
        if (!(expectile > 0 && expectile < 1)) {
            throw new IllegalArgumentException(
                    "trainer.iql.expectile=" + expectile + " is invalid: must be in (0, 1)");
        }
        if (!(beta >= 0) || Float.isInfinite(beta)) {
            throw new IllegalArgumentException(
                    "trainer.iql.beta=" + beta + " is invalid: must be finite and >= 0");
        }
        if (critics < 1) {
            throw new IllegalArgumentException(
                    "trainer.iql.critics=" + critics + " is invalid: must be >= 1");
        }
        this.huberDelta = huberDelta;
        this.expectile = expectile;
        this.beta = beta;
        this.critics = critics;
    }

    @Override
    public Algo algo() {
        return Algo.IQL;
    }

    /** The aux name of critic {@code k}'s Q-network: {@code q}, then {@code q_1, q_2, ...}. */
    static String qName(int k) {
        return k == 0 ? Q : Q + "_" + k;
    }

    /** The aux name of critic {@code k}'s state-value network: {@code v}, {@code v_1, ...}. */
    static String vName(int k) {
        return k == 0 ? V : V + "_" + k;
    }

    @Override
    public Map<String, Integer> auxiliaryOutputs(int numActions) {
        Map<String, Integer> out = new HashMap<>();
        for (int k = 0; k < critics; k++) {
            out.put(qName(k), numActions);
            out.put(vName(k), 1);
        }
        return out;
    }

    /** One critic's terms: its losses and, for the policy, its advantages. */
    private record Critic(
            Operand<TFloat32> value, // []
            Operand<TFloat32> td, // []
            Operand<TFloat32> tdError, // [batch]
            Operand<TFloat32> qTaken, // [batch]
            Operand<TFloat32> u) {} // [batch], Q_target(s, a) - V(s)

    private Critic critic(LossInputs in, int k) {
        Ops tf = in.tf();
        int n = in.numActions();
        AuxNetwork qNet = in.aux(qName(k));
        AuxNetwork vNet = in.aux(vName(k));
        Operand<TFloat32> q = qNet.online().apply(tf, in.obs()); // [batch, numActions]
        Operand<TFloat32> qTaken = DqnLoss.valueOf(tf, q, in.action(), n); // [batch]
        Operand<TFloat32> qTargetTaken = // [batch]
                tf.stopGradient(
                        DqnLoss.valueOf(tf, qNet.target().apply(tf, in.obs()), in.action(), n));
        Operand<TFloat32> v = column(tf, vNet.online().apply(tf, in.obs())); // [batch]
        Operand<TFloat32> nextV = // [batch]
                tf.stopGradient(column(tf, vNet.online().apply(tf, in.nextObs())));

        Operand<TFloat32> u = tf.math.sub(qTargetTaken, v); // [batch]
        Operand<TFloat32> value = tf.math.mean(expectileLoss(tf, u, expectile), zero(tf));
        Operand<TFloat32> y = // [batch]
                tf.math.add(in.nStepReturn(), tf.math.mul(in.bootstrapDiscount(), nextV));
        Operand<TFloat32> tdError = tf.math.sub(y, qTaken); // [batch]
        Operand<TFloat32> td =
                tf.math.mean(
                        tf.math.mul(in.weight(), tdLoss.apply(tf, tdError, huberDelta)),
                        zero(tf)); // []
        return new Critic(value, td, tdError, qTaken, u);
    }

    @Override
    public LossParts build(LossInputs in) {
        Ops tf = in.tf();
        int n = in.numActions();
        List<QNetwork> policies = in.online().members();
        if (critics != 1 && critics != policies.size()) {
            throw new IllegalArgumentException(
                    "trainer.iql.critics="
                            + critics
                            + " needs 1 or one per policy network (trainer.iql.policies="
                            + policies.size()
                            + ")");
        }
        List<Critic> cs = new ArrayList<>(critics);
        for (int k = 0; k < critics; k++) {
            cs.add(critic(in, k));
        }
        // Each critic's and each policy's loss is summed: every network gets exactly the gradient
        // it would get alone (trainer.iql.policies, trainer.iql.critics); policy k reads the
        // advantages of critic k, or of the one shared critic.
        Operand<TFloat32> value = null, td = null, policy = null;
        for (Critic c : cs) {
            value = value == null ? c.value() : tf.math.add(value, c.value());
            td = td == null ? c.td() : tf.math.add(td, c.td());
        }
        for (int k = 0; k < policies.size(); k++) {
            Operand<TFloat32> u = cs.get(critics == 1 ? 0 : k).u();
            Operand<TFloat32> weights = // [batch]
                    tf.stopGradient(
                            tf.math.minimum(
                                    tf.math.exp(tf.math.mul(tf.constant(beta), u)),
                                    tf.constant(MAX_WEIGHT)));
            Operand<TFloat32> logits = policies.get(k).apply(tf, in.obs()); // [batch, numActions]
            Operand<TFloat32> crossEntropy = // [batch]
                    tf.math.sub(
                            CqlLoss.logSumExp(tf, logits),
                            DqnLoss.valueOf(tf, logits, in.action(), n));
            Operand<TFloat32> memberLoss = // []
                    tf.math.mean(tf.math.mul(weights, crossEntropy), zero(tf));
            policy = policy == null ? memberLoss : tf.math.add(policy, memberLoss);
        }
        value = tf.withName("value_loss").identity(value);
        td = tf.withName("td_loss").identity(td);
        policy = tf.withName("policy_loss").identity(policy);
        Operand<TFloat32> tdError = tf.withName("td_error").identity(cs.get(0).tdError());

        Operand<TFloat32> conservative =
                tf.withName("conservative_loss").math.add(value, policy); // []
        Operand<TFloat32> total = tf.withName("total_loss").math.add(td, conservative); // []
        Operand<TFloat32> meanQ = // [], critic 0's
                tf.withName("mean_q").math.mean(cs.get(0).qTaken(), zero(tf));
        return new LossParts(total, td, conservative, tdError, meanQ);
    }

    /** {@code |tau - 1(u < 0)| u^2}, element-wise, {@code [batch]}. */
    static Operand<TFloat32> expectileLoss(Ops tf, Operand<TFloat32> u, float tau) {
        Operand<TFloat32> below = // [batch], 1 where u < 0
                tf.dtypes.cast(tf.math.less(u, tf.constant(0f)), TFloat32.class);
        Operand<TFloat32> weight = tf.math.abs(tf.math.sub(tf.constant(tau), below)); // [batch]
        return tf.math.mul(weight, tf.math.square(u));
    }

    private static Operand<TFloat32> column(Ops tf, Operand<TFloat32> x) {
        return tf.reshape(x, tf.constant(new int[] {-1})); // [batch, 1] -> [batch]
    }

    private static Operand<TInt32> zero(Ops tf) {
        return tf.constant(0);
    }
}
