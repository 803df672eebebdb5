package io.replayflow.trainer;

import io.replayflow.replay.priority.PriorityOptions;
import io.replayflow.schemas.config.OptionTable;
import io.replayflow.trainer.algo.TdLossFunction;
import io.replayflow.trainer.pg.ActorCriticCore;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every configuration key of the trainer, with its type, default and meaning: Flink {@link
 * ConfigOption}s in an {@link OptionTable}, the mechanism every component uses. {@link
 * TrainerConfig} reads them; {@code docs/CONFIG.md} is generated from {@link #table()}. The
 * priority floor is the key the replay job reads too, {@code replay.priority.epsilon} (formerly
 * {@code trainer.priority.epsilon}, still read).
 */
public final class TrainerOptions {

    private TrainerOptions() {}

    private static final OptionTable TABLE = new OptionTable("trainer", List.of());

    public static final ConfigOption<Algo> ALGO =
            TABLE.add(
                    ConfigOptions.key("trainer.algo").enumType(Algo.class).defaultValue(Algo.DQN),
                    OptionTable.choices(Algo.class),
                    "Training algorithm: DQN, Double DQN, QR-DQN (quantiles of the return,"
                        + " trainer.qr.quantiles), discrete CQL(H) on a Double DQN target, discrete"
                        + " IQL (expectile value, advantage-weighted policy), discrete BCQ"
                        + " (imitation-filtered Double DQN target), behaviour cloning"
                        + " (cross-entropy of the logged action), or the policy-gradient family on"
                        + " trajectory segments: A2C (n-step advantage), REINFORCE (normalised"
                        + " Monte-Carlo returns) and IMPALA (V-trace); or R2D2 on the same segments"
                        + " (an LSTM Q-network with burn-in and n-step Double DQN targets; needs"
                        + " trainer.pg.network=lstm).");

    public static final ConfigOption<NetworkKind> NETWORK =
            TABLE.add(
                    ConfigOptions.key("trainer.network")
                            .enumType(NetworkKind.class)
                            .defaultValue(NetworkKind.MLP),
                    OptionTable.choices(NetworkKind.class),
                    "Q-network: an MLP over float observations, the Nature-DQN conv net over"
                            + " uint8 images [H, W, C] (scaled by 1/255 inside the graph), or the"
                            + " MinAtar paper's net (conv 16 3x3, dense 128) over 0/1 images such"
                            + " as MinAtar/Breakout-v1's [10, 10, 4], unscaled.");

    public static final ConfigOption<String> HIDDEN =
            TABLE.add(
                    ConfigOptions.key("trainer.hidden").stringType().defaultValue("64,64"),
                    "int list",
                    "Hidden layer widths of the MLP, comma separated (empty: a linear Q"
                            + " function).");

    public static final ConfigOption<Boolean> DUELING =
            TABLE.add(
                    ConfigOptions.key("trainer.dueling").booleanType().defaultValue(false),
                    "boolean",
                    "A dueling Q-network (Wang et al., 2016) for DQN, Double DQN and CQL: the last"
                            + " layer has one more output, the state value V(s), and Q(s, a) ="
                            + " V(s) + A(s, a) - mean_a' A(s, a'); the layers below are shared."
                            + " false (the default) is the plain network.");

    public static final ConfigOption<String> OBS_BOUNDS =
            TABLE.add(
                    ConfigOptions.key("trainer.obs-bounds").stringType().defaultValue(""),
                    "LOW:HIGH list",
                    "The declared range of each observation component, one LOW:HIGH pair per"
                            + " component (-inf:inf for an unbounded one), e.g."
                            + " -1.2:0.6,-0.07:0.07 for MountainCar-v0. The MLP Q-network centres"
                            + " each bounded component and widens one narrower than [-1, 1] onto"
                            + " it (a wider one keeps its scale) before its first layer, inside the"
                            + " graph, so the exported policy takes raw observations. Empty:"
                            + " observations enter as they are. The demo sets it from the"
                            + " environment's declared bounds (EnvSpec); transition algorithms"
                            + " with trainer.network=mlp only.");

    public static final ConfigOption<Double> GAMMA =
            TABLE.add(
                    ConfigOptions.key("trainer.gamma").doubleType().defaultValue(0.99),
                    "double",
                    "Discount factor; with trainer.n-step it gives the bootstrap discount"
                            + " gamma^n (1 - terminated) when the trainer builds n-step columns.");

    public static final ConfigOption<Integer> N_STEP =
            TABLE.add(
                    ConfigOptions.key("trainer.n-step").intType().defaultValue(0),
                    "int",
                    "Steps per n-step return when the trainer builds its targets from the"
                            + " experience log (train without --dataset: per episode over the rows"
                            + " the selection keeps, never across a gap), and R2D2's n over its"
                            + " segments; replay datasets carry their own n-step return and"
                            + " bootstrap discount. 0 takes the algorithm's own: 3 for cql"
                            + " (measured on three scarce CartPole logs, docs/ALGORITHMS.md), 1"
                            + " for the rest.");

    public static final ConfigOption<Integer> NUM_ACTIONS =
            TABLE.add(
                    ConfigOptions.key("trainer.num-actions").intType().defaultValue(0),
                    "int",
                    "Discrete actions of the environment, for training from Parquet data; 0 takes"
                            + " it from the env id (CartPole-v1: 2, Acrobot-v1: 3, MountainCar-v0:"
                            + " 3, MinAtar/<Game>-v1: 6).");

    public static final ConfigOption<Double> LR =
            TABLE.add(
                    ConfigOptions.key("trainer.lr").doubleType().defaultValue(3e-4),
                    "double",
                    "Adam learning rate (the start of trainer.lr.decay-steps' schedule).");

    public static final ConfigOption<Double> LR_END =
            TABLE.add(
                    ConfigOptions.key("trainer.lr.end").doubleType().defaultValue(0.0),
                    "double",
                    "Learning rate at the end of trainer.lr.decay-steps (linear from trainer.lr,"
                            + " then held); ignored while decay-steps is 0.");

    public static final ConfigOption<Long> LR_DECAY_STEPS =
            TABLE.add(
                    ConfigOptions.key("trainer.lr.decay-steps").longType().defaultValue(0L),
                    "long",
                    "Gradient steps over which the learning rate falls linearly from trainer.lr to"
                            + " trainer.lr.end, counted by the run's global step (so a resumed run"
                            + " continues the schedule); 0 keeps trainer.lr throughout.");

    public static final ConfigOption<Double> ADAM_BETA1 =
            TABLE.add(
                    ConfigOptions.key("trainer.adam.beta1").doubleType().defaultValue(0.9),
                    "double",
                    "Adam first-moment decay.");

    public static final ConfigOption<Double> ADAM_BETA2 =
            TABLE.add(
                    ConfigOptions.key("trainer.adam.beta2").doubleType().defaultValue(0.999),
                    "double",
                    "Adam second-moment decay.");

    public static final ConfigOption<Double> ADAM_EPSILON =
            TABLE.add(
                    ConfigOptions.key("trainer.adam.epsilon").doubleType().defaultValue(1e-8),
                    "double",
                    "Adam epsilon (added to sqrt(v_hat)).");

    public static final ConfigOption<Integer> BATCH_SIZE =
            TABLE.add(
                    ConfigOptions.key("trainer.batch-size").intType().defaultValue(0),
                    "int",
                    "Transitions per gradient step (segments for a2c, reinforce, impala); 0 takes"
                            + " the algorithm's own: 128 for cql and iql (measured on two offline"
                            + " CartPole logs, docs/ALGORITHMS.md), 32 for the rest.");

    public static final ConfigOption<Long> STEPS =
            TABLE.add(
                    ConfigOptions.key("trainer.steps").longType().defaultValue(30_000L),
                    "long",
                    "Gradient steps to train to (the global step at which training stops; a"
                            + " resumed run continues towards it).");

    public static final ConfigOption<Long> TARGET_UPDATE_PERIOD =
            TABLE.add(
                    ConfigOptions.key("trainer.target.update-period").longType().defaultValue(500L),
                    "long",
                    "Gradient steps between target-network updates.");

    public static final ConfigOption<Double> TARGET_TAU =
            TABLE.add(
                    ConfigOptions.key("trainer.target.tau").doubleType().defaultValue(1.0),
                    "double",
                    "Target update weight: 1 copies the online network (hard update), < 1 is"
                            + " Polyak averaging target <- tau*online + (1-tau)*target.");

    public static final ConfigOption<Double> CQL_ALPHA =
            TABLE.add(
                    ConfigOptions.key("trainer.cql.alpha").doubleType().defaultValue(4.0),
                    "double",
                    "Weight alpha of the CQL(H) term alpha*(logsumexp_a Q(s,a) - Q(s,a_data));"
                            + " the starting alpha with trainer.cql.auto-alpha=true. 4 beat 1 on"
                            + " both measured CartPole logs; with 3-step targets 2 scored higher"
                            + " on three 150-episode logs and lower on a 1,000-episode one, so 4"
                            + " stays (docs/ALGORITHMS.md, round 8).");

    public static final ConfigOption<Boolean> CQL_AUTO_ALPHA =
            TABLE.add(
                    ConfigOptions.key("trainer.cql.auto-alpha").booleanType().defaultValue(false),
                    "boolean",
                    "Tune CQL's alpha automatically (the Lagrangian form of the CQL paper): log"
                        + " alpha, starting at log(trainer.cql.alpha), rises while the gap"
                        + " logsumexp_a Q(s,a) - Q(s,a_data) is above trainer.cql.target-gap and"
                        + " falls while it is below. false keeps alpha fixed.");

    public static final ConfigOption<Double> CQL_TARGET_GAP =
            TABLE.add(
                    ConfigOptions.key("trainer.cql.target-gap").doubleType().defaultValue(0.5),
                    "double",
                    "Target tau of the automatic alpha: the mean gap logsumexp_a Q(s,a) -"
                            + " Q(s,a_data) it drives towards (ln(numActions) is the gap of a"
                            + " Q-function indifferent between actions).");

    public static final ConfigOption<Double> CQL_ALPHA_LR =
            TABLE.add(
                    ConfigOptions.key("trainer.cql.alpha-lr").doubleType().defaultValue(1e-3),
                    "double",
                    "Adam learning rate of log alpha when trainer.cql.auto-alpha=true.");

    public static final ConfigOption<Double> IQL_EXPECTILE =
            TABLE.add(
                    ConfigOptions.key("trainer.iql.expectile").doubleType().defaultValue(0.8),
                    "double",
                    "IQL expectile tau in (0, 1) of the value loss |tau - 1(u < 0)| u^2: 0.5 is"
                            + " the mean (SARSA-like), towards 1 the best in-data action. At batch"
                            + " 128 on the scarce CartPole log 0.8 scored 378 against 304 for the"
                            + " paper's 0.7 (0.9: 379, twice the spread; docs/ALGORITHMS.md).");

    public static final ConfigOption<Double> IQL_BETA =
            TABLE.add(
                    ConfigOptions.key("trainer.iql.beta").doubleType().defaultValue(3.0),
                    "double",
                    "IQL inverse temperature of the policy weights exp(beta (Q - V)), capped at"
                            + " 100: 0 is behaviour cloning, larger is greedier.");

    public static final ConfigOption<Integer> IQL_POLICIES =
            TABLE.add(
                    ConfigOptions.key("trainer.iql.policies").intType().defaultValue(1),
                    "int",
                    "Number of IQL policy networks trained side by side from independent"
                            + " initialisations on the same batches and loss; the exported policy"
                            + " is their mixture (q_values = log of the mean of their softmax"
                            + " probabilities, action its argmax). 1 is a single policy network:"
                            + " on the scarce CartPole log 5 scored 357 against 329 over six"
                            + " seeds, within the seed noise, at about twice the wall time"
                            + " (docs/ALGORITHMS.md, round 4).");

    public static final ConfigOption<Integer> IQL_CRITICS =
            TABLE.add(
                    ConfigOptions.key("trainer.iql.critics").intType().defaultValue(1),
                    "int",
                    "Number of IQL (Q, V) network pairs: 1 shared by every policy network, or"
                            + " trainer.iql.policies, one per policy (K independent IQL learners on"
                            + " the same batches, exported as the mixture of their policies; 3"
                            + " scored 342 over six seeds against 329 for one learner, at about"
                            + " four times the wall time).");

    public static final ConfigOption<Double> BCQ_THRESHOLD =
            TABLE.add(
                    ConfigOptions.key("trainer.bcq.threshold").doubleType().defaultValue(0.9),
                    "double",
                    "BCQ threshold tau in [0, 1): an action may be chosen (in the TD target and by"
                        + " the exported policy) only where pi_b(a|s) / max_a' pi_b(a'|s) > tau"
                        + " under the imitation network; 0 is Double DQN, near 1 behaviour cloning."
                        + " 0.9 by measurement on noisy CartPole logs (the paper's 0.3 filters"
                        + " almost nothing there); see docs/ALGORITHMS.md.");

    public static final ConfigOption<Integer> QR_QUANTILES =
            TABLE.add(
                    ConfigOptions.key("trainer.qr.quantiles").intType().defaultValue(25),
                    "int",
                    "QR-DQN's quantiles per action (trainer.algo=qr-dqn): the network has"
                            + " numActions x N outputs, the quantile midpoints (2i + 1) / 2N of"
                            + " the return's distribution; the policy acts on their mean. 25 as"
                            + " in RL Zoo's tuned Acrobot-v1 QR-DQN (the paper used 200 on"
                            + " Atari).");

    public static final ConfigOption<Double> GRAD_CLIP_NORM =
            TABLE.add(
                    ConfigOptions.key("trainer.grad-clip-norm").doubleType().defaultValue(10.0),
                    "double",
                    "Clip gradients by global norm to this value; 0 turns clipping off.");

    public static final ConfigOption<Double> WEIGHT_DECAY =
            TABLE.add(
                    ConfigOptions.key("trainer.weight-decay").doubleType().defaultValue(0.0),
                    "double",
                    "L2 weight decay lambda >= 0 of the transition algorithms (DQN to BC):"
                            + " lambda times the sum of squares of every trained weight and bias"
                            + " (online network and the loss's extra networks, never a target"
                            + " copy) is added to the loss before its gradient. 0 (the default)"
                            + " turns it off; the policy-gradient family and R2D2 refuse it. On"
                            + " the scarce CartPole log 1e-4 gave CQL 367 against 328 over six"
                            + " seeds and lowered IQL (docs/ALGORITHMS.md, round 5).");

    public static final ConfigOption<Double> POLICY_EMA_DECAY =
            TABLE.add(
                    ConfigOptions.key("trainer.policy.ema-decay").doubleType().defaultValue(-1.0),
                    "double",
                    "Export an exponential moving average of the trained weights instead of the"
                        + " last step's (Polyak-Ruppert averaging of the iterates; the transition"
                        + " algorithms, DQN to BC): after every gradient step average <- d *"
                        + " average + (1 - d) * online, over the online network and the loss's"
                        + " extra networks (BCQ's filter exports its average too). Training and its"
                        + " targets are unchanged; only exported versions (and so evaluation,"
                        + " actors and serving) act with the average. -1 (the default) is the"
                        + " algorithm's own (Algo.defaultPolicyEmaDecay: 0.9998 for CQL and BCQ, by"
                        + " measurement on scarce logs; 0 for the rest); 0 exports the last"
                        + " iterate; e.g. 0.9998 averages over about the last 5,000 steps. A run"
                        + " resumed with it on from a checkpoint written without it starts the"
                        + " average at the checkpoint's weights.");

    public static final ConfigOption<Double> AUGMENT_OBS_NOISE =
            TABLE.add(
                    ConfigOptions.key("trainer.augment.obs-noise").doubleType().defaultValue(0.0),
                    "double",
                    "Observation-noise augmentation (as in S4RL): every training batch's obs and"
                            + " next_obs get independent Gaussian noise of standard deviation"
                            + " this fraction times each feature's standard deviation over the"
                            + " training data (computed once, when the source is built). 0 (the"
                            + " default) turns it off; float observations and the transition"
                            + " algorithms only. On the scarce CartPole log 0.1 gave IQL 340"
                            + " against 291 over six seeds, within the seed noise, 0.3 207, and"
                            + " left CQL level (docs/ALGORITHMS.md, round 5).");

    public static final ConfigOption<TdLossFunction> LOSS =
            TABLE.add(
                    ConfigOptions.key("trainer.loss")
                            .enumType(TdLossFunction.class)
                            .defaultValue(TdLossFunction.HUBER),
                    "huber|mse",
                    "TD loss per sample: Huber with trainer.huber.delta, or squared error.");

    public static final ConfigOption<Double> HUBER_DELTA =
            TABLE.add(
                    ConfigOptions.key("trainer.huber.delta").doubleType().defaultValue(1.0),
                    "double",
                    "Where the Huber loss turns from quadratic to linear.");

    public static final ConfigOption<SamplerKind> SAMPLER =
            TABLE.add(
                    ConfigOptions.key("trainer.sampler")
                            .enumType(SamplerKind.class)
                            .defaultValue(SamplerKind.UNIFORM),
                    "uniform|prioritized",
                    "How in-memory sources draw batches: uniformly, or prioritized by |TD"
                            + " error| with importance weights.");

    public static final ConfigOption<Double> PRIORITY_ALPHA =
            TABLE.add(
                    ConfigOptions.key("trainer.priority.alpha").doubleType().defaultValue(0.6),
                    "double",
                    "Prioritized replay exponent alpha (0 = uniform).");

    public static final ConfigOption<Double> PRIORITY_BETA0 =
            TABLE.add(
                    ConfigOptions.key("trainer.priority.beta0").doubleType().defaultValue(0.4),
                    "double",
                    "Importance-weight exponent at step 0, annealed linearly to 1.");

    public static final ConfigOption<Long> PRIORITY_BETA_STEPS =
            TABLE.add(
                    ConfigOptions.key("trainer.priority.beta-steps").longType().defaultValue(-1L),
                    "long",
                    "Steps over which beta anneals to 1; -1 means trainer.steps.");

    public static final ConfigOption<Double> PRIORITY_EPSILON =
            TABLE.add(
                    PriorityOptions.epsilon("trainer.priority.epsilon"),
                    "double",
                    PriorityOptions.EPSILON_DESCRIPTION);

    public static final ConfigOption<Long> SEED =
            TABLE.add(
                    ConfigOptions.key("trainer.seed").longType().defaultValue(0L),
                    "long",
                    "Seed of the weight initialisation and of the batch sampler.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            TABLE.add(
                    ConfigOptions.key("trainer.threads.intra-op").intType().defaultValue(0),
                    "int",
                    "TensorFlow intra-op threads (0: TensorFlow picks). Fixed per process by the"
                            + " first session.");

    public static final ConfigOption<Integer> INTER_OP_THREADS =
            TABLE.add(
                    ConfigOptions.key("trainer.threads.inter-op").intType().defaultValue(0),
                    "int",
                    "TensorFlow inter-op threads (0: TensorFlow picks; -1: every op runs in the"
                        + " thread that calls the step, one after another, which saves a thread"
                        + " hand-off per op and is fastest for small MLPs, e.g. 3.6x the PyTorch"
                        + " rate for 64x64/batch 32 in docs/BENCHMARKS.md).");

    public static final ConfigOption<Long> CHECKPOINT_PERIOD =
            TABLE.add(
                    ConfigOptions.key("trainer.checkpoint.period").longType().defaultValue(5_000L),
                    "long",
                    "Gradient steps between checkpoints (0: only at the end).");

    public static final ConfigOption<Integer> CHECKPOINT_KEEP =
            TABLE.add(
                    ConfigOptions.key("trainer.checkpoint.keep").intType().defaultValue(3),
                    "int",
                    "Checkpoints kept; older ones are deleted after a new one is complete.");

    public static final ConfigOption<Long> METRICS_PERIOD =
            TABLE.add(
                    ConfigOptions.key("trainer.metrics.period").longType().defaultValue(100L),
                    "long",
                    "Gradient steps between TensorBoard scalars.");

    public static final ConfigOption<Long> REFRESH_PERIOD =
            TABLE.add(
                    ConfigOptions.key("trainer.data.refresh-period").longType().defaultValue(0L),
                    "long",
                    "Continuous mode: gradient steps between looking for new data files (0:"
                            + " never).");

    public static final ConfigOption<String> POLICY_NAME =
            TABLE.add(
                    ConfigOptions.key("trainer.policy.name").stringType().defaultValue("policy"),
                    "string",
                    "Name the exported policy is published under (letters, digits, '.', '_',"
                            + " '-').");

    public static final ConfigOption<String> ACTOR_CRITIC_HIDDEN =
            TABLE.add(
                    ConfigOptions.key("trainer.actor-critic.hidden")
                            .stringType()
                            .defaultValue("128,128"),
                    "int list",
                    "Policy-gradient algorithms (a2c, reinforce, impala): hidden ReLU widths of"
                            + " the actor-critic trunk under its logits and value heads, comma"
                            + " separated (trainer.hidden is the Q-network's).");

    public static final ConfigOption<Double> PG_VALUE_COEF =
            TABLE.add(
                    ConfigOptions.key("trainer.pg.value-coef").doubleType().defaultValue(0.5),
                    "double",
                    "Policy-gradient algorithms: weight c_v of the value loss 0.5 (v - V(s))^2 in"
                            + " policy + c_v value - c_e entropy.");

    public static final ConfigOption<Double> PG_ENTROPY_COEF =
            TABLE.add(
                    ConfigOptions.key("trainer.pg.entropy-coef").doubleType().defaultValue(0.01),
                    "double",
                    "Policy-gradient algorithms: weight c_e of the entropy bonus (0: none).");

    public static final ConfigOption<Double> PG_REWARD_SCALE =
            TABLE.add(
                    ConfigOptions.key("trainer.pg.reward-scale").doubleType().defaultValue(1.0),
                    "double",
                    "Policy-gradient algorithms and R2D2: factor on every reward before the"
                            + " targets, so"
                            + " that returns, hence the value head, stay near unit scale (a value"
                            + " head fitting returns of -100 through the shared trunk saturates"
                            + " the logits); > 0, 1: rewards as logged.");

    public static final ConfigOption<Double> VTRACE_RHO_BAR =
            TABLE.add(
                    ConfigOptions.key("trainer.vtrace.rho-bar").doubleType().defaultValue(1.0),
                    "double",
                    "IMPALA: truncation rho_bar of the importance weight pi/mu in the V-trace"
                            + " targets and policy-gradient advantages (Espeholt et al. 2018: 1).");

    public static final ConfigOption<Double> VTRACE_C_BAR =
            TABLE.add(
                    ConfigOptions.key("trainer.vtrace.c-bar").doubleType().defaultValue(1.0),
                    "double",
                    "IMPALA: truncation c_bar of the V-trace trace coefficients (the paper: 1;"
                            + " keep c_bar <= rho_bar).");

    public static final ConfigOption<ActorCriticCore> PG_NETWORK =
            TABLE.add(
                    ConfigOptions.key("trainer.pg.network")
                            .enumType(ActorCriticCore.class)
                            .defaultValue(ActorCriticCore.MLP),
                    OptionTable.choices(ActorCriticCore.class),
                    "Policy-gradient algorithms: the actor-critic's core. mlp: the dense trunk"
                            + " (a feed-forward policy); lstm: the dense trunk, then an LSTM of"
                            + " trainer.pg.lstm-units (a recurrent policy, exported with state"
                            + " inputs and outputs, trained on whole segments after a burn-in of"
                            + " trainer.pg.burn-in steps; a2c and impala, and r2d2, whose Q-network"
                            + " it must be).");

    public static final ConfigOption<Integer> PG_LSTM_UNITS =
            TABLE.add(
                    ConfigOptions.key("trainer.pg.lstm-units").intType().defaultValue(64),
                    "int",
                    "trainer.pg.network=lstm (and r2d2's Q-network): width of the LSTM's state h"
                            + " and c, >= 1.");

    public static final ConfigOption<Integer> PG_BURN_IN =
            TABLE.add(
                    ConfigOptions.key("trainer.pg.burn-in").intType().defaultValue(20),
                    "int",
                    "trainer.pg.network=lstm and r2d2: steps of a segment's episode before it that"
                            + " the"
                            + " learner replays through the current network, without gradient,"
                            + " to recompute the LSTM state at the segment's start (R2D2's"
                            + " burn-in); >= 0, 0: every segment starts from the zero state.");

    /**
     * Keys that say how a run is carried out, not what it learns: how long, on how many threads,
     * how often it checkpoints, reports or looks for data, and the name it publishes under. A
     * resumed run may change them freely; a change to any other key is reported ({@link
     * io.replayflow.trainer.checkpoint.TrainerState#changedSettings}).
     */
    public static final Set<String> RUN_KEYS =
            Set.of(
                    STEPS.key(),
                    INTRA_OP_THREADS.key(),
                    INTER_OP_THREADS.key(),
                    CHECKPOINT_PERIOD.key(),
                    CHECKPOINT_KEEP.key(),
                    METRICS_PERIOD.key(),
                    REFRESH_PERIOD.key(),
                    POLICY_NAME.key());

    /** Every key, in documentation order: the trainer's section of {@code docs/CONFIG.md}. */
    public static OptionTable table() {
        return TABLE;
    }

    /** Reads {@link #HIDDEN}'s comma-separated widths ({@code ""} is no hidden layer). */
    public static List<Integer> parseIntList(String s) {
        if (s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .collect(Collectors.toUnmodifiableList());
    }
}
