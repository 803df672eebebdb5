package io.replayflow.cli.loop;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.env.ObservationBounds;
import io.replayflow.trainer.TrainerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@code replayflow demo} runs: the environment, where data goes, the time budget and the
 * loop's tuning. Defaults follow SB3's tuned CartPole DQN (256x256 MLP, lr 2.3e-3, about 0.5
 * gradient steps per environment step, 1000 transitions before learning, epsilon 1 to 0.04 over the
 * first 8000 steps) with the batch of its tuned Acrobot and MountainCar DQNs, 128 (its CartPole one
 * uses 64; 128 at the same 0.5 steps solved MountainCar in 6 of 6 runs, 64 in 2 of 3 beside them:
 * docs/BENCHMARKS.md), adapted to an asynchronous pipeline: the samples-per-insert limiter holds
 * the trainer to that ratio, and the actors are throttled so that the trainer, two Flink jobs and
 * the broker share two cores.
 *
 * @param env environment id
 * @param dataDir data root (Kafka logs, experience log, replay dataset, policies, report)
 * @param budget wall-clock budget; the demo stops when solved or when it runs out
 * @param envsPerActor vectorized copies stepped by the actor
 * @param actorStepsPerSecond throttle of the actor, all copies together
 * @param epsilon the actor's exploration schedule, "start:end:steps"
 * @param epsilonSpread α of Ape-X's per-environment rates (environment i of N at ε^(1 + α·i/(N−1)),
 *     {@code actor.epsilon.spread}); 0: every environment at the schedule's ε
 * @param evalEpisodes greedy episodes per evaluation (seeds separate from training)
 * @param evalSeed seed of the evaluation episodes
 * @param checkpointInterval Flink checkpoints; Parquet files commit on them
 * @param trainer trainer.* overrides
 * @param samplesPerInsert samples drawn per transition inserted (batch x gradient steps per step)
 * @param minSize transitions before the first gradient step
 * @param publishEvery gradient steps between policy versions
 * @param segmentUses policy-gradient algorithms: how many gradient steps may use one trajectory
 *     segment (1: each once, strictly on-policy up to the pipeline's lag)
 * @param segmentMaxAge policy-gradient algorithms: segments whose newest step is older are dropped
 *     unread (the segment window's age bound)
 * @param maxEnvSteps the step budget: the actors stop after this many environment steps, all copies
 *     together, and the run ends once the newest version (at least v1) is evaluated; 0: no step
 *     budget
 * @param actorLead the replay loop: how many environment steps the actors may run ahead of the
 *     trainer, beyond {@code minSize}, at {@code batch / samplesPerInsert} steps per gradient step;
 *     past that they wait for it ({@link io.replayflow.actor.StepGate}), so the updates per step
 *     stay as tuned on a machine too loaded for the trainer to keep up; 0: the actors do not wait
 */
public record DemoSettings(
        String env,
        Path dataDir,
        Duration budget,
        int envsPerActor,
        double actorStepsPerSecond,
        String epsilon,
        double epsilonSpread,
        int evalEpisodes,
        long evalSeed,
        Duration checkpointInterval,
        Map<String, String> trainer,
        double samplesPerInsert,
        long minSize,
        long publishEvery,
        int segmentUses,
        Duration segmentMaxAge,
        long maxEnvSteps,
        long actorLead) {

    /** The trainer key a preset carries when it scales observations by their declared bounds. */
    private static final String OBS_BOUNDS = TrainerOptions.OBS_BOUNDS.key();

    public DemoSettings {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(budget, "budget");
        trainer = Map.copyOf(trainer);
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("--budget must be positive, e.g. 5m");
        }
        if (evalEpisodes < 1) {
            throw new IllegalArgumentException("--eval-episodes must be at least 1");
        }
        if (segmentUses < 1) {
            throw new IllegalArgumentException(
                    "segment uses is " + segmentUses + "; it must be at least 1");
        }
        if (segmentMaxAge == null || segmentMaxAge.isNegative() || segmentMaxAge.isZero()) {
            throw new IllegalArgumentException(
                    "segment max age is " + segmentMaxAge + "; it must be positive, e.g. 60s");
        }
        if (actorLead < 0) {
            throw new IllegalArgumentException(
                    "actor lead is "
                            + actorLead
                            + "; it must be at least 0 (0: actors do not wait)");
        }
        if (maxEnvSteps < 0) {
            throw new IllegalArgumentException(
                    "--max-env-steps is " + maxEnvSteps + "; it must be at least 1, e.g. 300000");
        }
    }

    /**
     * The tuned CartPole-v1 loop, also the preset of the other vector environments (Acrobot-v1,
     * MountainCar-v0: same settings for all). The actors wait for the trainer once they are 10,000
     * steps past min size plus two steps per gradient step ({@code actorLead}; batch 128 at 64
     * samples per insert), so that the updates per environment step, and with them the result at a
     * given step count, no longer depend on whether the machine lets the trainer keep up with 500
     * steps/s. The lead must cover the steps in flight: the replay-store job writes an episode's
     * rows when it ends, so the 16 copies hold up to 16 x 500 steps (Acrobot's time limit) the
     * trainer cannot see yet, plus a 2 s checkpoint; with a lead of 2000, Acrobot's actors waited
     * at 3008 steps for a trainer that had no rows (measured). The Q-network centres each
     * observation component by the environment's declared bounds and widens one narrower than [-1,
     * 1] onto it ({@code trainer.obs-bounds}, following the env in {@link #withEnv}): without it
     * MountainCar's velocity (±0.07) barely moved the first layer, and one run in three never
     * reached the flag (docs/BENCHMARKS.md).
     */
    public static DemoSettings cartPole(Path dataDir, Duration budget) {
        return new DemoSettings(
                "CartPole-v1",
                dataDir,
                budget,
                16,
                500,
                "1.0:0.04:8000",
                0.0,
                100,
                1_000_003L,
                Duration.ofSeconds(2),
                Map.ofEntries(
                        Map.entry("trainer.algo", "double-dqn"),
                        Map.entry("trainer.hidden", "256,256"),
                        Map.entry("trainer.lr", "0.001"),
                        Map.entry("trainer.batch-size", "128"),
                        Map.entry("trainer.gamma", "0.99"),
                        Map.entry("trainer.target.update-period", "100"),
                        Map.entry("trainer.steps", "100000000"),
                        Map.entry("trainer.checkpoint.period", "5000"),
                        Map.entry("trainer.threads.intra-op", "1"),
                        Map.entry("trainer.threads.inter-op", "-1"),
                        Map.entry(OBS_BOUNDS, EnvSpecs.CART_POLE.observationBounds().format())),
                64.0,
                1_000,
                1_000,
                1,
                Duration.ofSeconds(60),
                0,
                10_000);
    }

    /**
     * The replay loop on a MinAtar game ({@code env}, e.g. {@code MinAtar/Breakout-v1}) with the
     * settings of MinAtar's own DQN ({@code examples/dqn.py} in {@code kenjyoung/MinAtar}; Young
     * &amp; Tian, 2019): its network (conv 16 3x3, dense 128), batch 32, Huber loss, gamma 0.99, a
     * target update every 1000 gradient steps, one gradient step per frame (32 samples per insert)
     * after 5000 frames, epsilon 1.0 to 0.1 over the first 100k frames. Adam at 2.5e-4 stands in
     * for its centred RMSProp (the trainer has Adam only). Two deviations the pipeline brings:
     * MinAtar's replay keeps the last 100k transitions, the demo's dataset keeps the whole run (the
     * replay window's unit is an hour of event time); and MinAtar's epsilon is 1 until 5000 frames,
     * then anneals, where the actors anneal from frame 0. Actors step 16 copies, throttled to 450
     * frames/s in all, so that 300k frames take about 11 minutes, and wait for the trainer once
     * they are 5000 frames past min size plus one frame per gradient step ({@code actorLead}): one
     * update per frame, as MinAtar's loop, also where the trainer cannot make 450 updates/s (a
     * 1M-frame run under a load average of 10-50 got 0.37 updates per frame without it). A version
     * is published every 5000 gradient steps (about 11 s at one update per frame) and evaluated
     * greedily over 100 episodes; every 1000 steps, as in the CartPole loop, would keep the
     * evaluator and the actors' hot swaps busy on CPU that the trainer needs.
     */
    public static DemoSettings minAtar(Path dataDir, Duration budget, String env) {
        return new DemoSettings(
                env,
                dataDir,
                budget,
                16,
                450,
                "1.0:0.1:100000",
                0.0,
                100,
                1_000_003L,
                Duration.ofSeconds(2),
                Map.ofEntries(
                        Map.entry("trainer.algo", "double-dqn"),
                        Map.entry("trainer.network", "minatar"),
                        Map.entry("trainer.lr", "0.00025"),
                        Map.entry("trainer.batch-size", "32"),
                        Map.entry("trainer.gamma", "0.99"),
                        Map.entry("trainer.loss", "huber"),
                        Map.entry("trainer.target.update-period", "1000"),
                        Map.entry("trainer.steps", "100000000"),
                        Map.entry("trainer.checkpoint.period", "20000"),
                        Map.entry("trainer.threads.intra-op", "1"),
                        Map.entry("trainer.threads.inter-op", "-1")),
                32.0,
                5_000,
                5_000,
                1,
                Duration.ofSeconds(60),
                0,
                5_000);
    }

    /**
     * The policy-gradient loop ({@code algo}: a2c, reinforce or impala) on CartPole-v1: the seed
     * tutorials' actor-critic (2x128 ReLU, logits and value heads) with Adam at 1e-3, entropy bonus
     * 0.01 and value coefficient 0.5; batches of 8 segments of T = 20 steps, each segment used at
     * most twice; a version published every 5 gradient steps, so that the policy lag stays a few
     * versions; actors throttled to 1,000 steps/s (on-policy learning needs fresh data, not
     * replays); 1 s Flink checkpoints, since segments reach the learner only on a checkpoint.
     * Actors sample from the published softmax policy (version 0: uniform); evaluation is greedy.
     * REINFORCE reads each segment once (its batches are whole episodes, learned once) and scales
     * its rewards by 0.01: its value head, unused by its gradient but fitted through the shared
     * trunk, would otherwise fit returns up to 100.
     */
    public static DemoSettings policyGradient(Path dataDir, Duration budget, String algo) {
        boolean reinforce = "reinforce".equals(algo);
        return new DemoSettings(
                "CartPole-v1",
                dataDir,
                budget,
                16,
                1_000,
                "0",
                0.0,
                100,
                1_000_003L,
                Duration.ofSeconds(1),
                Map.ofEntries(
                        Map.entry("trainer.algo", algo),
                        Map.entry("trainer.actor-critic.hidden", "128,128"),
                        Map.entry("trainer.lr", "0.001"),
                        Map.entry("trainer.batch-size", "8"),
                        Map.entry("trainer.gamma", "0.99"),
                        Map.entry("trainer.pg.entropy-coef", "0.01"),
                        Map.entry("trainer.pg.value-coef", "0.5"),
                        Map.entry("trainer.grad-clip-norm", "10"),
                        Map.entry("trainer.steps", "100000000"),
                        Map.entry("trainer.checkpoint.period", "5000"),
                        Map.entry("trainer.threads.intra-op", "1"),
                        Map.entry("trainer.threads.inter-op", "-1"),
                        Map.entry("trainer.pg.reward-scale", reinforce ? "0.01" : "1.0")),
                0.0,
                1,
                5,
                reinforce ? 1 : 2,
                Duration.ofSeconds(60),
                0,
                0);
    }

    /**
     * The policy-gradient loop's trainer settings that depend on the environment, over those of
     * {@link #policyGradient(Path, Duration, String)}. Acrobot-v1 pays -1 a step, so its returns
     * near -100 (gamma 0.99) would make the value head, fitted through the trunk it shares with the
     * logits, grow the trunk's features until the softmax saturates (measured: the policy's entropy
     * fell below 1e-16 nats by step 410 and no episode reached the goal); rewards times 0.01 keep
     * the returns near unit scale.
     */
    private static final Map<String, Map<String, String>> POLICY_GRADIENT_BY_ENV =
            Map.of("Acrobot-v1", Map.of("trainer.pg.reward-scale", "0.01"));

    /**
     * The policy-gradient loop on {@code env}: {@link #policyGradient(Path, Duration, String)} with
     * the environment's own settings ({@link #POLICY_GRADIENT_BY_ENV}).
     */
    public static DemoSettings policyGradient(
            Path dataDir, Duration budget, String algo, String env) {
        return policyGradient(dataDir, budget, algo)
                .withEnv(env)
                .withTrainerSettings(POLICY_GRADIENT_BY_ENV.getOrDefault(env, Map.of()));
    }

    /**
     * R2D2 on the policy-gradient loop's segments ({@code demo --algo r2d2 --network lstm}): an
     * LSTM Q-network of one dense layer of 64 under 64 units (the actor-critic preset's sizes),
     * trained on the loop's segments of 20 steps after a burn-in of 20 recomputed steps, with
     * R2D2's 5-step Double DQN targets (Kapturowski et al., 2019), Huber loss, Adam at 1e-3,
     * batches of 16 segments each used at most 4 times (a Q-learner may learn off-policy data
     * again), a hard target update every 100 gradient steps and a version every 25. Rewards are
     * scaled by 0.1 for the reason of {@link #LSTM_MAX_REWARD_SCALE}: the Q head reads the bounded
     * cell output. Actors explore ε-greedy around the greedy recurrent policy, ε from 1 to 0.05
     * over the first 50,000 steps, at the loop's 1,000 steps/s; evaluation is greedy.
     */
    public static DemoSettings r2d2(Path dataDir, Duration budget, String env) {
        return policyGradient(dataDir, budget, "impala", env)
                .withTrainerSettings(R2D2)
                .withSegmentUses(4)
                .with(
                        f -> {
                            f.epsilon = "1.0:0.05:50000";
                            f.publishEvery = 25;
                        });
    }

    /** The trainer settings of {@link #r2d2}, over the policy-gradient loop's. */
    static final Map<String, String> R2D2 =
            Map.ofEntries(
                    Map.entry("trainer.algo", "r2d2"),
                    Map.entry("trainer.pg.network", "lstm"),
                    Map.entry("trainer.hidden", "64"),
                    Map.entry("trainer.pg.lstm-units", "64"),
                    Map.entry("trainer.pg.burn-in", "20"),
                    Map.entry("trainer.n-step", "5"),
                    Map.entry("trainer.loss", "huber"),
                    Map.entry("trainer.lr", "0.001"),
                    Map.entry("trainer.batch-size", "16"),
                    Map.entry("trainer.target.update-period", "100"),
                    Map.entry("trainer.pg.reward-scale", "0.1")); // LSTM_MAX_REWARD_SCALE

    /**
     * The name the demo's versions are published under: the env id with each character outside
     * letters, digits, '.', '_' and '-' replaced by '-' (policy names are directory and topic-key
     * safe), e.g. {@code MinAtar-Breakout-v1} for {@code MinAtar/Breakout-v1}; CartPole-v1 keeps
     * its id.
     */
    public String policyName() {
        return env.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /**
     * Whether the loop reads trajectory segments: {@code trainer.algo} is a policy-gradient one
     * (a2c, reinforce, impala) or r2d2 ({@link io.replayflow.trainer.Algo#segments()}).
     */
    public boolean segmentLoop() {
        return io.replayflow.trainer.Algo.parse(trainer.getOrDefault("trainer.algo", "double-dqn"))
                .segments();
    }

    /** These settings with {@code overrides} over the trainer.* settings. */
    public DemoSettings withTrainerSettings(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(trainer);
        merged.putAll(overrides);
        return with(f -> f.trainer = merged);
    }

    /**
     * The LSTM actor-critic's settings over the policy-gradient loop's ({@code demo --network
     * lstm}): one dense layer of 64 under an LSTM of 64 units (the seed tutorial's width), trained
     * on the loop's segments of 20 steps after a burn-in of 20 recomputed steps, with Adam at 3e-3.
     */
    public static final Map<String, String> LSTM =
            Map.of(
                    "trainer.pg.network", "lstm",
                    "trainer.actor-critic.hidden", "64",
                    "trainer.pg.lstm-units", "64",
                    "trainer.pg.burn-in", "20",
                    "trainer.lr", "0.003");

    /**
     * The largest reward scale the LSTM actor-critic trains with. Its heads read the cell's output
     * {@code h = o * tanh(c)}, bounded in (-1, 1) per unit, so the value head can reach a return
     * only through large head weights, which Adam grows by about {@code lr} a step: unscaled
     * CartPole returns (up to ~100 at gamma 0.99) keep the value, hence the advantages, wrong for
     * thousands of steps (measured with {@code LstmCartPoleProbe} on CartPole-v1-masked, impala, lr
     * 3e-3, seed 1: mean sampling return 17 at 200k steps unscaled, 277 with rewards times 0.1).
     */
    static final double LSTM_MAX_REWARD_SCALE = 0.1;

    /**
     * These settings with the LSTM actor-critic ({@link #LSTM}) and rewards scaled by at most
     * {@link #LSTM_MAX_REWARD_SCALE} (an environment's smaller scale, e.g. Acrobot-v1's 0.01, is
     * kept).
     */
    public DemoSettings withLstm() {
        Map<String, String> lstm = new HashMap<>(LSTM);
        double scale = Double.parseDouble(trainer.getOrDefault("trainer.pg.reward-scale", "1.0"));
        lstm.put("trainer.pg.reward-scale", String.valueOf(Math.min(scale, LSTM_MAX_REWARD_SCALE)));
        return withTrainerSettings(lstm);
    }

    /** These settings with each trajectory segment used at most {@code uses} times. */
    public DemoSettings withSegmentUses(int uses) {
        return with(f -> f.segmentUses = uses);
    }

    /** These settings with segments older than {@code maxAge} dropped unread. */
    public DemoSettings withSegmentMaxAge(Duration maxAge) {
        return with(f -> f.segmentMaxAge = maxAge);
    }

    /** These settings with the actors throttled to {@code stepsPerSecond}, all copies together. */
    public DemoSettings withActorStepsPerSecond(double stepsPerSecond) {
        return with(f -> f.actorStepsPerSecond = stepsPerSecond);
    }

    /**
     * These settings with the first gradient step after {@code minSize} transitions and a version
     * every {@code publishEvery} gradient steps (short runs: tests, smoke checks).
     */
    public DemoSettings withLearning(long minSize, long publishEvery) {
        return with(
                f -> {
                    f.minSize = minSize;
                    f.publishEvery = publishEvery;
                });
    }

    /**
     * These settings with the replay ratio {@code samplesPerInsert}: samples drawn per transition
     * inserted (the batch size times the gradient steps per environment step; the preset's 64 at
     * batch 128 is one gradient step per two environment steps).
     */
    public DemoSettings withSamplesPerInsert(double samplesPerInsert) {
        return with(f -> f.samplesPerInsert = samplesPerInsert);
    }

    /** These settings with the actors stopping after {@code steps} environment steps (0: none). */
    public DemoSettings withMaxEnvSteps(long steps) {
        return with(f -> f.maxEnvSteps = steps);
    }

    /**
     * These settings on {@code newEnv}. A preset that scales observations by their declared bounds
     * ({@code trainer.obs-bounds} among its trainer settings, as the vector replay loop's) takes
     * {@code newEnv}'s bounds from its {@link EnvSpec} (none where it declares none), so one preset
     * serves every vector environment; {@code --set trainer.obs-bounds=...} still overrides.
     */
    public DemoSettings withEnv(String newEnv) {
        return with(
                f -> {
                    f.env = newEnv;
                    if (f.trainer.containsKey(OBS_BOUNDS)) {
                        Map<String, String> trainer = new HashMap<>(f.trainer);
                        trainer.put(
                                OBS_BOUNDS,
                                EnvSpecs.builtIn(newEnv)
                                        .map(EnvSpec::observationBounds)
                                        .orElse(ObservationBounds.NONE)
                                        .format());
                        f.trainer = trainer;
                    }
                });
    }

    /**
     * These settings with the actors exploring by {@code epsilon} ("start:end:steps" or a constant,
     * {@link io.replayflow.actor.policy.EpsilonSchedule#parse}) and per-environment rates spread by
     * {@code spread} (0: every environment at the schedule's ε).
     *
     * @throws IllegalArgumentException naming a schedule that does not parse or a negative spread
     */
    public DemoSettings withExploration(String epsilon, double spread) {
        io.replayflow.actor.policy.EpsilonSchedule.parse(epsilon);
        if (!(spread >= 0) || Double.isInfinite(spread)) {
            throw new IllegalArgumentException(
                    "actor.epsilon.spread=" + spread + " must be a finite number >= 0, e.g. 7");
        }
        return with(
                f -> {
                    f.epsilon = epsilon;
                    f.epsilonSpread = spread;
                });
    }

    public DemoSettings withEvalEpisodes(int episodes) {
        return with(f -> f.evalEpisodes = episodes);
    }

    /** A copy with the fields {@code change} sets (each {@code with...} above names one). */
    private DemoSettings with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    /** The fields of a {@link DemoSettings}, to copy one with some of them changed. */
    private static final class Fields {
        private String env;
        private Path dataDir;
        private Duration budget;
        private int envsPerActor;
        private double actorStepsPerSecond;
        private String epsilon;
        private double epsilonSpread;
        private int evalEpisodes;
        private long evalSeed;
        private Duration checkpointInterval;
        private Map<String, String> trainer;
        private double samplesPerInsert;
        private long minSize;
        private long publishEvery;
        private int segmentUses;
        private Duration segmentMaxAge;
        private long maxEnvSteps;
        private long actorLead;

        private Fields(DemoSettings s) {
            env = s.env;
            dataDir = s.dataDir;
            budget = s.budget;
            envsPerActor = s.envsPerActor;
            actorStepsPerSecond = s.actorStepsPerSecond;
            epsilon = s.epsilon;
            epsilonSpread = s.epsilonSpread;
            evalEpisodes = s.evalEpisodes;
            evalSeed = s.evalSeed;
            checkpointInterval = s.checkpointInterval;
            trainer = s.trainer;
            samplesPerInsert = s.samplesPerInsert;
            minSize = s.minSize;
            publishEvery = s.publishEvery;
            segmentUses = s.segmentUses;
            segmentMaxAge = s.segmentMaxAge;
            maxEnvSteps = s.maxEnvSteps;
            actorLead = s.actorLead;
        }

        private DemoSettings build() {
            return new DemoSettings(
                    env,
                    dataDir,
                    budget,
                    envsPerActor,
                    actorStepsPerSecond,
                    epsilon,
                    epsilonSpread,
                    evalEpisodes,
                    evalSeed,
                    checkpointInterval,
                    trainer,
                    samplesPerInsert,
                    minSize,
                    publishEvery,
                    segmentUses,
                    segmentMaxAge,
                    maxEnvSteps,
                    actorLead);
        }
    }
}
