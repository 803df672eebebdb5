package io.replayflow.trainer;

import io.replayflow.replay.priority.Priorities;
import io.replayflow.trainer.algo.TdLossFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key of the trainer, with its type, default and meaning. {@link TrainerConfig}
 * reads them; {@link #markdownTable()} writes the reference table in {@code docs/CONFIG.md}, so the
 * docs come from this one place.
 */
public final class TrainerOptions {

    private TrainerOptions() {}

    private static final List<TrainerOption<?>> ALL = new ArrayList<>();

    public static final TrainerOption<Algo> ALGO =
            add(
                    "trainer.algo",
                    "dqn|double-dqn|cql|iql|bcq|bc",
                    Algo.DQN,
                    "Training algorithm: DQN, Double DQN, discrete CQL(H) on a Double DQN"
                            + " target, discrete IQL (expectile value, advantage-weighted policy),"
                            + " discrete BCQ (imitation-filtered Double DQN target), or behaviour"
                            + " cloning (cross-entropy of the logged action).",
                    Algo::parse);

    public static final TrainerOption<NetworkKind> NETWORK =
            add(
                    "trainer.network",
                    "mlp|nature-cnn",
                    NetworkKind.MLP,
                    "Q-network: an MLP over float observations, or the Nature-DQN conv net over"
                            + " uint8 images [H, W, C] (scaled by 1/255 inside the graph).",
                    NetworkKind::parse);

    public static final TrainerOption<List<Integer>> HIDDEN =
            add(
                    "trainer.hidden",
                    "int list",
                    List.of(64, 64),
                    "Hidden layer widths of the MLP, comma separated (empty: a linear Q"
                            + " function).",
                    TrainerOptions::parseIntList);

    public static final TrainerOption<Double> GAMMA =
            add(
                    "trainer.gamma",
                    "double",
                    0.99,
                    "Discount factor; with trainer.n-step it gives the bootstrap discount"
                            + " gamma^n (1 - terminated) when the trainer builds n-step columns.",
                    Double::parseDouble);

    public static final TrainerOption<Integer> N_STEP =
            add(
                    "trainer.n-step",
                    "int",
                    1,
                    "Steps per n-step return when the trainer builds columns itself; replay"
                            + " datasets carry their own n-step return and bootstrap discount.",
                    Integer::parseInt);

    public static final TrainerOption<Integer> NUM_ACTIONS =
            add(
                    "trainer.num-actions",
                    "int",
                    0,
                    "Discrete actions of the environment, for training from Parquet data; 0 takes"
                            + " it from the env id (CartPole-v1: 2, Acrobot-v1: 3, MountainCar-v0:"
                            + " 3).",
                    Integer::parseInt);

    public static final TrainerOption<Double> LR =
            add("trainer.lr", "double", 3e-4, "Adam learning rate.", Double::parseDouble);

    public static final TrainerOption<Double> ADAM_BETA1 =
            add(
                    "trainer.adam.beta1",
                    "double",
                    0.9,
                    "Adam first-moment decay.",
                    Double::parseDouble);

    public static final TrainerOption<Double> ADAM_BETA2 =
            add(
                    "trainer.adam.beta2",
                    "double",
                    0.999,
                    "Adam second-moment decay.",
                    Double::parseDouble);

    public static final TrainerOption<Double> ADAM_EPSILON =
            add(
                    "trainer.adam.epsilon",
                    "double",
                    1e-8,
                    "Adam epsilon (added to sqrt(v_hat)).",
                    Double::parseDouble);

    public static final TrainerOption<Integer> BATCH_SIZE =
            add(
                    "trainer.batch-size",
                    "int",
                    32,
                    "Transitions per gradient step.",
                    Integer::parseInt);

    public static final TrainerOption<Long> STEPS =
            add(
                    "trainer.steps",
                    "long",
                    30_000L,
                    "Gradient steps to train to (the global step at which training stops; a"
                            + " resumed run continues towards it).",
                    Long::parseLong);

    public static final TrainerOption<Long> TARGET_UPDATE_PERIOD =
            add(
                    "trainer.target.update-period",
                    "long",
                    500L,
                    "Gradient steps between target-network updates.",
                    Long::parseLong);

    public static final TrainerOption<Double> TARGET_TAU =
            add(
                    "trainer.target.tau",
                    "double",
                    1.0,
                    "Target update weight: 1 copies the online network (hard update), < 1 is"
                            + " Polyak averaging target <- tau*online + (1-tau)*target.",
                    Double::parseDouble);

    public static final TrainerOption<Double> CQL_ALPHA =
            add(
                    "trainer.cql.alpha",
                    "double",
                    4.0,
                    "Weight alpha of the CQL(H) term alpha*(logsumexp_a Q(s,a) - Q(s,a_data));"
                            + " the starting alpha with trainer.cql.auto-alpha=true. 4 beat 1 on"
                            + " both measured CartPole logs (docs/ALGORITHMS.md).",
                    Double::parseDouble);

    public static final TrainerOption<Boolean> CQL_AUTO_ALPHA =
            add(
                    "trainer.cql.auto-alpha",
                    "boolean",
                    false,
                    "Tune CQL's alpha automatically (the Lagrangian form of the CQL paper): log"
                        + " alpha, starting at log(trainer.cql.alpha), rises while the gap"
                        + " logsumexp_a Q(s,a) - Q(s,a_data) is above trainer.cql.target-gap and"
                        + " falls while it is below. false keeps alpha fixed.",
                    TrainerOptions::parseBoolean);

    public static final TrainerOption<Double> CQL_TARGET_GAP =
            add(
                    "trainer.cql.target-gap",
                    "double",
                    0.5,
                    "Target tau of the automatic alpha: the mean gap logsumexp_a Q(s,a) -"
                            + " Q(s,a_data) it drives towards (ln(numActions) is the gap of a"
                            + " Q-function indifferent between actions).",
                    Double::parseDouble);

    public static final TrainerOption<Double> CQL_ALPHA_LR =
            add(
                    "trainer.cql.alpha-lr",
                    "double",
                    1e-3,
                    "Adam learning rate of log alpha when trainer.cql.auto-alpha=true.",
                    Double::parseDouble);

    public static final TrainerOption<Double> IQL_EXPECTILE =
            add(
                    "trainer.iql.expectile",
                    "double",
                    0.7,
                    "IQL expectile tau in (0, 1) of the value loss |tau - 1(u < 0)| u^2: 0.5 is"
                            + " the mean (SARSA-like), towards 1 the best in-data action.",
                    Double::parseDouble);

    public static final TrainerOption<Double> IQL_BETA =
            add(
                    "trainer.iql.beta",
                    "double",
                    3.0,
                    "IQL inverse temperature of the policy weights exp(beta (Q - V)), capped at"
                            + " 100: 0 is behaviour cloning, larger is greedier.",
                    Double::parseDouble);

    public static final TrainerOption<Double> BCQ_THRESHOLD =
            add(
                    "trainer.bcq.threshold",
                    "double",
                    0.3,
                    "BCQ threshold tau in [0, 1): an action may be chosen only where"
                            + " pi_b(a|s) / max_a' pi_b(a'|s) > tau under the imitation network;"
                            + " 0 is Double DQN.",
                    Double::parseDouble);

    public static final TrainerOption<Double> GRAD_CLIP_NORM =
            add(
                    "trainer.grad-clip-norm",
                    "double",
                    10.0,
                    "Clip gradients by global norm to this value; 0 turns clipping off.",
                    Double::parseDouble);

    public static final TrainerOption<TdLossFunction> LOSS =
            add(
                    "trainer.loss",
                    "huber|mse",
                    TdLossFunction.HUBER,
                    "TD loss per sample: Huber with trainer.huber.delta, or squared error.",
                    TdLossFunction::parse);

    public static final TrainerOption<Double> HUBER_DELTA =
            add(
                    "trainer.huber.delta",
                    "double",
                    1.0,
                    "Where the Huber loss turns from quadratic to linear.",
                    Double::parseDouble);

    public static final TrainerOption<SamplerKind> SAMPLER =
            add(
                    "trainer.sampler",
                    "uniform|prioritized",
                    SamplerKind.UNIFORM,
                    "How in-memory sources draw batches: uniformly, or prioritized by |TD"
                            + " error| with importance weights.",
                    SamplerKind::parse);

    public static final TrainerOption<Double> PRIORITY_ALPHA =
            add(
                    "trainer.priority.alpha",
                    "double",
                    0.6,
                    "Prioritized replay exponent alpha (0 = uniform).",
                    Double::parseDouble);

    public static final TrainerOption<Double> PRIORITY_BETA0 =
            add(
                    "trainer.priority.beta0",
                    "double",
                    0.4,
                    "Importance-weight exponent at step 0, annealed linearly to 1.",
                    Double::parseDouble);

    public static final TrainerOption<Long> PRIORITY_BETA_STEPS =
            add(
                    "trainer.priority.beta-steps",
                    "long",
                    -1L,
                    "Steps over which beta anneals to 1; -1 means trainer.steps.",
                    Long::parseLong);

    public static final TrainerOption<Double> PRIORITY_EPSILON =
            add(
                    "trainer.priority.epsilon",
                    "double",
                    Priorities.DEFAULT_EPSILON,
                    "Added to |TD error| to form a priority, so no row starves; keep it equal to"
                            + " the replay job's replay.priority.scoring.epsilon.",
                    Double::parseDouble);

    public static final TrainerOption<Long> SEED =
            add(
                    "trainer.seed",
                    "long",
                    0L,
                    "Seed of the weight initialisation and of the batch sampler.",
                    Long::parseLong);

    public static final TrainerOption<Integer> INTRA_OP_THREADS =
            add(
                    "trainer.threads.intra-op",
                    "int",
                    0,
                    "TensorFlow intra-op threads (0: TensorFlow picks). Fixed per process by the"
                            + " first session.",
                    Integer::parseInt);

    public static final TrainerOption<Integer> INTER_OP_THREADS =
            add(
                    "trainer.threads.inter-op",
                    "int",
                    0,
                    "TensorFlow inter-op threads (0: TensorFlow picks; -1: every op runs in the"
                        + " thread that calls the step, one after another, which saves a thread"
                        + " hand-off per op and is fastest for small MLPs, e.g. 3.6x the PyTorch"
                        + " rate for 64x64/batch 32 in docs/BENCHMARKS.md).",
                    Integer::parseInt);

    public static final TrainerOption<Long> CHECKPOINT_PERIOD =
            add(
                    "trainer.checkpoint.period",
                    "long",
                    5_000L,
                    "Gradient steps between checkpoints (0: only at the end).",
                    Long::parseLong);

    public static final TrainerOption<Integer> CHECKPOINT_KEEP =
            add(
                    "trainer.checkpoint.keep",
                    "int",
                    3,
                    "Checkpoints kept; older ones are deleted after a new one is complete.",
                    Integer::parseInt);

    public static final TrainerOption<Long> METRICS_PERIOD =
            add(
                    "trainer.metrics.period",
                    "long",
                    100L,
                    "Gradient steps between TensorBoard scalars.",
                    Long::parseLong);

    public static final TrainerOption<Long> REFRESH_PERIOD =
            add(
                    "trainer.data.refresh-period",
                    "long",
                    0L,
                    "Continuous mode: gradient steps between looking for new data files (0:"
                            + " never).",
                    Long::parseLong);

    public static final TrainerOption<String> POLICY_NAME =
            add(
                    "trainer.policy.name",
                    "string",
                    "policy",
                    "Name the exported policy is published under (letters, digits, '.', '_',"
                            + " '-').",
                    s -> s);

    /** All keys, in documentation order. */
    public static List<TrainerOption<?>> all() {
        return List.copyOf(ALL);
    }

    /** The option with this key, if any. */
    public static java.util.Optional<TrainerOption<?>> byKey(String key) {
        return ALL.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    /** The reference table: key, type, default, description. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| key | type | default | description |\n|---|---|---|---|\n");
        for (TrainerOption<?> option : ALL) {
            out.append("| `")
                    .append(option.key())
                    .append("` | ")
                    .append(cell(option.typeName()))
                    .append(" | `")
                    .append(option.format(option.defaultValue()))
                    .append("` | ")
                    .append(cell(option.description()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static <T> TrainerOption<T> add(
            String key,
            String type,
            T defaultValue,
            String description,
            Function<String, T> parser) {
        TrainerOption<T> option = new TrainerOption<>(key, type, defaultValue, description, parser);
        ALL.add(option);
        return option;
    }

    static boolean parseBoolean(String s) {
        return switch (s.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
        };
    }

    static List<Integer> parseIntList(String s) {
        if (s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .collect(Collectors.toUnmodifiableList());
    }
}
