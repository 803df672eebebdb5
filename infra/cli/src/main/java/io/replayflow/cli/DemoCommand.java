package io.replayflow.cli;

import io.replayflow.cli.loop.DemoLifecycle;
import io.replayflow.cli.loop.DemoReport;
import io.replayflow.cli.loop.DemoRun;
import io.replayflow.cli.loop.DemoSettings;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.env.FrameStacking;
import io.replayflow.schemas.env.ObservationType;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.pg.SegmentConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow demo}: the whole loop on one machine until the environment is solved or the
 * budget ends, with a live progress view, then a summary and a report with plots.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole loop on one machine, all embedded: a real Kafka broker and a Flink"
                + " MiniCluster running the ingest and replay-store jobs, vectorized actors, and a"
                + " Double DQN trainer publishing a new policy version every 1000 gradient steps."
                + " Each version is a candidate: the lifecycle controller gates it by off-policy"
                + " evaluation, tries it as a canary on half the episodes and promotes or rolls it"
                + " back on its live return (--lifecycle off: the actors hot-swap to the newest"
                + " version instead). Each version is evaluated greedily over 100 seeded episodes;"
                + " the demo stops when one reaches the solved threshold (CartPole-v1: 475) or the"
                + " budget ends, then writes <data>/report.html with charts (PNGs in"
                + " <data>/report/).",
            "--algo a2c|reinforce|impala runs the policy-gradient loop instead: the replay-store"
                    + " job writes trajectory segments, an actor-critic learns from them on-policy"
                    + " (IMPALA corrects the pipeline's policy lag with V-trace) and publishes a"
                    + " stochastic policy every 5 gradient steps; actors sample from it, evaluation"
                    + " is greedy (the argmax of its logits).",
            "--algo r2d2 --network lstm learns an LSTM Q-network from the same segments (R2D2:"
                    + " burn-in, 5-step Double DQN targets) and publishes it every 25 gradient"
                    + " steps; actors explore epsilon-greedy around it, evaluation is greedy.",
            "An image environment (MinAtar/<Game>-v1, --frame-stack K) takes MinAtar's own DQN"
                    + " settings and network (docs/ALGORITHMS.md); --max-env-steps N stops it at N"
                    + " environment frames. Image envs run with dqn or double-dqn only.",
            "With --json the last line is {\"eval_mean_return\": x, \"best_eval_mean_return\":"
                    + " b, \"env_steps\": n, \"wall_s\": s, \"policy_versions\": v, ...}."
        })
final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--env",
            defaultValue = "CartPole-v1",
            description = "Environment (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--frame-stack",
            paramLabel = "K",
            description =
                    "Image environments: stack the last K frames along the channel axis (env id"
                            + " <env>+stack<K>, e.g. MinAtar/Breakout-v1+stack4: [10, 10, 16]; a"
                            + " reset fills the stack with the first frame).")
    Integer frameStack;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Data root (default: replayflow-data/demo-<timestamp>).")
    Path data;

    @Option(
            names = "--budget",
            defaultValue = "5m",
            paramLabel = "DURATION",
            description = "Wall-clock budget, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(
            names = "--eval-episodes",
            defaultValue = "100",
            paramLabel = "N",
            description = "Greedy episodes per evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(
            names = "--target-return",
            paramLabel = "R",
            description =
                    "Stop when a greedy evaluation reaches R (default: the environment's solved"
                            + " threshold: CartPole-v1 475, Acrobot-v1 -100, MountainCar-v0 -110).")
    Double targetReturn;

    @Option(
            names = "--max-env-steps",
            paramLabel = "N",
            description =
                    "Step budget: the actors stop after N environment steps; the run ends once the"
                            + " newest version has been evaluated (default: none; the run stops at"
                            + " the first of the step budget, --budget and --target-return).")
    Long maxEnvSteps;

    @Option(
            names = "--samples-per-insert",
            paramLabel = "R",
            description =
                    "Replay ratio of the value-based loop: samples drawn per environment step"
                        + " (trainer.batch-size times gradient steps per step; default: the"
                        + " preset's, 64 for the vector environments: one step of batch 128 per two"
                        + " environment steps). The actors wait for the trainer to hold it.")
    Double samplesPerInsert;

    @Option(names = "--json", description = "End with one JSON line.")
    boolean json;

    @Option(
            names = "--algo",
            defaultValue = "double-dqn",
            paramLabel = "ALGO",
            description =
                    "double-dqn, dqn or qr-dqn (replay), a2c, reinforce or impala (policy gradient"
                        + " over trajectory segments), r2d2 (a recurrent Q-network over the same"
                        + " segments, with --network lstm) (default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(
            names = "--network",
            defaultValue = "mlp",
            paramLabel = "mlp|lstm",
            description =
                    "The policy's network: mlp (feed-forward) or lstm (a recurrent actor-critic"
                            + " with --algo a2c or impala, a recurrent Q-network with --algo r2d2;"
                            + " actors keep its state per episode) (default: ${DEFAULT-VALUE}).")
    String network;

    @Option(
            names = "--segment-uses",
            paramLabel = "N",
            description =
                    "Policy-gradient algorithms: gradient steps one trajectory segment may feed"
                            + " (default 2).")
    Integer segmentUses;

    @Option(
            names = "--segment-max-age",
            paramLabel = "DURATION",
            description =
                    "Policy-gradient algorithms: drop segments older than this unread, e.g. 20s"
                            + " (default 60s).")
    String segmentMaxAge;

    @Option(
            names = "--lifecycle",
            paramLabel = "auto|off",
            description =
                    "auto: the lifecycle controller decides what acts (each version a candidate,"
                        + " gated by OPE, a canary, promoted or rolled back; docs/LIFECYCLE.md);"
                        + " off: the newest version acts (default: auto for double-dqn, dqn and"
                        + " qr-dqn, off for the policy-gradient algorithms, which need the newest"
                        + " version acting, and for the MinAtar games).")
    String lifecycle;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Override a trainer.* option of the demo's tuned settings, a"
                            + " controller.* option of its lifecycle controller (--lifecycle"
                            + " auto; see docs/CONFIG.md), or the actors' exploration"
                            + " (actor.epsilon=START:END:STEPS, actor.epsilon.spread=ALPHA),"
                            + " repeatable, e.g. trainer.lr=0.0005 or"
                            + " controller.canary.share=0.2; trainer.seed also seeds the actors.")
    List<String> overrides = List.of();

    @Override
    public Integer call() throws Exception {
        if (frameStack != null) {
            try {
                env = FrameStacking.id(env, frameStack);
            } catch (IllegalArgumentException e) {
                throw new UsageError("--frame-stack " + frameStack + ": " + e.getMessage());
            }
        }
        Path dataDir =
                data != null
                        ? data
                        : Path.of(
                                "replayflow-data",
                                "demo-"
                                        + LocalDateTime.now()
                                                .format(
                                                        DateTimeFormatter.ofPattern(
                                                                "yyyyMMdd-HHmmss")));
        DemoSettings settings;
        DemoLifecycle.Mode mode;
        Map<String, String> controllerSettings;
        try {
            settings =
                    preset(dataDir, UsageError.duration("--budget", budget))
                            .withEnv(env)
                            .withEvalEpisodes(evalEpisodes);
            if (lstmNetwork() && Algo.parse(algo) != Algo.R2D2) { // r2d2's preset is an LSTM
                settings = settings.withLstm();
            }
            settings = settings.withTrainerSettings(keyValues("trainer."));
            Map<String, String> actor = keyValues("actor.");
            if (!actor.isEmpty()) {
                settings = exploration(settings, actor);
            }
            if (maxEnvSteps != null) {
                if (maxEnvSteps < 1) {
                    throw new UsageError(
                            "--max-env-steps " + maxEnvSteps + " must be at least 1, e.g. 300000");
                }
                settings = settings.withMaxEnvSteps(maxEnvSteps);
            }
            if (samplesPerInsert != null) {
                if (settings.segmentLoop()) {
                    throw new UsageError(
                            "--samples-per-insert applies to the replay algorithms (double-dqn,"
                                    + " dqn, qr-dqn), not "
                                    + algo
                                    + ", which learns from trajectory segments (--segment-uses)");
                }
                if (!(samplesPerInsert > 0)) {
                    throw new UsageError(
                            "--samples-per-insert "
                                    + samplesPerInsert
                                    + " must be positive, e.g. 128 (batch 128, one gradient step"
                                    + " per environment step)");
                }
                settings = settings.withSamplesPerInsert(samplesPerInsert);
            }
            if (segmentUses != null) {
                if (!settings.segmentLoop()) {
                    throw new UsageError(
                            "--segment-uses applies to --algo a2c, reinforce, impala or r2d2, not "
                                    + algo);
                }
                if (segmentUses != 1 && "reinforce".equals(Algo.parse(algo).id())) {
                    throw new UsageError(
                            "--segment-uses "
                                    + segmentUses
                                    + ": reinforce learns each whole episode once; use"
                                    + " --segment-uses 1 or leave it out");
                }
                settings = settings.withSegmentUses(segmentUses);
            }
            if (segmentMaxAge != null) {
                if (!settings.segmentLoop()) {
                    throw new UsageError(
                            "--segment-max-age applies to --algo a2c, reinforce, impala or r2d2,"
                                    + " not "
                                    + algo);
                }
                settings =
                        settings.withSegmentMaxAge(
                                UsageError.duration("--segment-max-age", segmentMaxAge));
            }
            mode = lifecycleMode(settings);
            controllerSettings = keyValues("controller.");
            if (!controllerSettings.isEmpty() && mode != DemoLifecycle.Mode.AUTO) {
                throw new UsageError(
                        "--set "
                                + controllerSettings.keySet().iterator().next()
                                + " tunes the lifecycle controller, which this demo does not run"
                                + " (--lifecycle off, or a policy-gradient algo): drop it or use"
                                + " --lifecycle auto");
            }
            DemoLifecycle.controllerSettings(controllerSettings);
            io.replayflow.trainer.TrainerConfig.fromMap(settings.trainer());
            if (settings.segmentLoop()) {
                SegmentConfig.fromMap(settings.trainer());
            }
            io.replayflow.actor.env.EnvRegistry.withBuiltIns().spec(env);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        if (imageEnv() && settings.segmentLoop()) {
            throw new UsageError(
                    "demo --algo "
                            + algo
                            + " --env "
                            + env
                            + ": the policy-gradient loop reads trajectory segments, which do not"
                            + " carry image observations yet; run image envs with --algo dqn or"
                            + " double-dqn");
        }
        Files.createDirectories(dataDir);
        PrintWriter out = spec.commandLine().getOut();
        DemoRun run = new DemoRun(settings, targetReturn, mode, controllerSettings);
        Thread main = Thread.currentThread();
        Thread hook =
                new Thread(
                        () -> {
                            run.stop();
                            try {
                                main.join(60_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "replayflow-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        DemoRun.Result result;
        try {
            result = run.run(out, System.console() != null);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and waits for us
            }
        }
        Path report = DemoReport.write(settings, result);
        out.printf(
                "%s after %.0f s and %,d environment steps: last evaluation %.1f (threshold %.0f),"
                        + " %d policy versions.%n",
                result.outcome(),
                result.wallSeconds(),
                result.envSteps(),
                result.evalMeanReturn(),
                result.solvedThreshold(),
                result.policyVersions());
        if (result.policyLag() != null) {
            DemoRun.PolicyLag lag = result.policyLag();
            out.printf(
                    Locale.ROOT,
                    "Policy lag: %.1f versions (max %.0f), %.1f s from acting to learning;"
                            + " importance ratio pi/mu mean %.2f, max %.2f.%n",
                    lag.meanVersions(),
                    lag.maxVersions(),
                    lag.meanSeconds(),
                    lag.meanRatio(),
                    lag.maxRatio());
        }
        out.printf("Prometheus endpoints (live while the demo ran):%n");
        for (DemoRun.Endpoint e : result.endpoints()) {
            out.printf("  %s: %s%n", e.what(), e.url());
        }
        out.printf("TensorBoard: tensorboard --logdir %s%n", result.tensorboardDir());
        out.printf("Report: %s%n", report.toAbsolutePath());
        if (json) {
            out.println(DemoReport.json(result));
        }
        out.flush();
        return result.outcome() == DemoRun.Outcome.FAILED
                ? ReplayFlow.EXIT_FAILURE
                : ReplayFlow.EXIT_OK;
    }

    /** {@code --lifecycle}, or its default: automatic for the replay loop, off otherwise. */
    private DemoLifecycle.Mode lifecycleMode(DemoSettings settings) {
        if (lifecycle == null) {
            // MinAtar: the newest version acts, as in MinAtar's own DQN; a WPDIS gate over
            // episodes of hundreds of steps would judge with a handful of non-zero weights.
            return settings.segmentLoop() || imageEnv()
                    ? DemoLifecycle.Mode.OFF
                    : DemoLifecycle.Mode.AUTO;
        }
        DemoLifecycle.Mode mode = DemoLifecycle.Mode.parse(lifecycle);
        if (mode == DemoLifecycle.Mode.AUTO && settings.segmentLoop()) {
            throw new UsageError(
                    "--lifecycle auto applies to double-dqn, dqn and qr-dqn, not "
                            + algo
                            + ": a policy-gradient learner needs the newest version acting (use"
                            + " --lifecycle off or leave it out)");
        }
        return mode;
    }

    /** The tuned settings of {@code --algo}: the replay loop or the policy-gradient loop. */
    private DemoSettings preset(Path dataDir, java.time.Duration duration) {
        Algo parsed = Algo.parse(algo);
        if (parsed == Algo.R2D2) {
            return DemoSettings.r2d2(dataDir, duration, env);
        }
        if (parsed.policyGradient()) {
            return DemoSettings.policyGradient(dataDir, duration, parsed.id(), env);
        }
        if (parsed != Algo.DQN && parsed != Algo.DOUBLE_DQN && parsed != Algo.QR_DQN) {
            throw new UsageError(
                    "demo --algo "
                            + parsed.id()
                            + " is an offline algorithm: the demo learns online with double-dqn,"
                            + " dqn, qr-dqn, a2c, reinforce, impala or r2d2 (train "
                            + parsed.id()
                            + " offline with 'replayflow train')");
        }
        DemoSettings replayLoop =
                imageEnv()
                        ? DemoSettings.minAtar(dataDir, duration, env)
                        : DemoSettings.cartPole(dataDir, duration);
        return replayLoop.withTrainerSettings(Map.of("trainer.algo", parsed.id()));
    }

    /** Whether {@code --env} is a built-in image environment (the MinAtar games). */
    private boolean imageEnv() {
        return EnvSpecs.builtIn(env).map(EnvSpec::observationType).orElse(null)
                == ObservationType.UINT8;
    }

    /**
     * {@code --network}: false for mlp, true for lstm ({@link DemoSettings#withLstm()}; r2d2's
     * preset has its LSTM already, and r2d2 takes only lstm).
     */
    private boolean lstmNetwork() {
        Algo parsed = Algo.parse(algo);
        switch (network.strip().toLowerCase(Locale.ROOT)) {
            case "mlp":
                if (parsed == Algo.R2D2) {
                    throw new UsageError(
                            "--algo r2d2 trains a recurrent Q-network: add --network lstm (for a"
                                    + " feed-forward Q-network use --algo double-dqn)");
                }
                return false;
            case "lstm":
                if (parsed != Algo.A2C && parsed != Algo.IMPALA && parsed != Algo.R2D2) {
                    throw new UsageError(
                            "--network lstm applies to --algo a2c or impala (an LSTM"
                                    + " actor-critic trained on segments) or r2d2 (an LSTM"
                                    + " Q-network), not "
                                    + parsed.id()
                                    + ": use --algo impala or r2d2, or --network mlp");
                }
                return true;
            default:
                throw new UsageError("--network '" + network + "' is unknown: use mlp or lstm");
        }
    }

    /** The actors' exploration keys the demo takes: the schedule and Ape-X's spread. */
    private static final String EPSILON = "actor.epsilon";

    private static final String EPSILON_SPREAD = "actor.epsilon.spread";

    /** {@code settings} with the actor.* pairs of --set; any other actor key refused. */
    private static DemoSettings exploration(DemoSettings settings, Map<String, String> actor) {
        for (String key : actor.keySet()) {
            if (!key.equals(EPSILON) && !key.equals(EPSILON_SPREAD)) {
                throw new UsageError(
                        "--set "
                                + key
                                + ": the demo takes two actor keys, "
                                + EPSILON
                                + "=START:END:STEPS (or a constant) and "
                                + EPSILON_SPREAD
                                + "=ALPHA (Ape-X's per-environment rates, 0: none)");
            }
        }
        try {
            double spread =
                    actor.containsKey(EPSILON_SPREAD)
                            ? Double.parseDouble(actor.get(EPSILON_SPREAD))
                            : settings.epsilonSpread();
            return settings.withExploration(
                    actor.getOrDefault(EPSILON, settings.epsilon()), spread);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--set actor.epsilon...: " + e.getMessage());
        }
    }

    /** The --set pairs whose key starts with {@code prefix}; any pair of neither kind refused. */
    private Map<String, String> keyValues(String prefix) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0
                    || !(kv.startsWith("trainer.")
                            || kv.startsWith("controller.")
                            || kv.startsWith("actor."))) {
                throw new UsageError(
                        "--set '"
                                + kv
                                + "' needs the form trainer.KEY=VALUE, controller.KEY=VALUE or"
                                + " actor.epsilon[.spread]=VALUE, e.g. trainer.lr=0.001");
            }
            if (kv.startsWith(prefix)) {
                map.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        return map;
    }
}
