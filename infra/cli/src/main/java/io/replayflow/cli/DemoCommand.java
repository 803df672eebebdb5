package io.replayflow.cli;

import io.replayflow.cli.loop.DemoReport;
import io.replayflow.cli.loop.DemoRun;
import io.replayflow.cli.loop.DemoSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
                    + " MiniCluster running the ingest and replay-store jobs, vectorized actors,"
                    + " and a Double DQN trainer publishing a new policy version every 1000"
                    + " gradient steps, which the actors hot-swap. Each version is evaluated"
                    + " greedily over 100 seeded episodes; the demo stops when one reaches the"
                    + " solved threshold (CartPole-v1: 475) or the budget ends, then writes"
                    + " <data>/report.html with charts (PNGs in <data>/report/).",
            "With --json the last line is {\"eval_mean_return\": x, \"env_steps\": n, \"wall_s\":"
                    + " s, \"policy_versions\": v, ...}."
        })
final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--env",
            defaultValue = "CartPole-v1",
            description = "Environment (default: ${DEFAULT-VALUE}).")
    String env;

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

    @Option(names = "--json", description = "End with one JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
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
        try {
            settings =
                    DemoSettings.cartPole(dataDir, UsageError.duration("--budget", budget))
                            .withEnv(env)
                            .withEvalEpisodes(evalEpisodes);
            io.replayflow.actor.env.EnvRegistry.withBuiltIns().spec(env);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        Files.createDirectories(dataDir);
        PrintWriter out = spec.commandLine().getOut();
        DemoRun run = new DemoRun(settings, targetReturn);
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
}
