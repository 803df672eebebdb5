package io.replayflow.cli.cluster;

import io.replayflow.cli.UsageError;
import io.replayflow.cli.lifecycle.BadCandidateDrill;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.drill.BadArtifactDrill;
import io.replayflow.cluster.drill.DrillReport;
import io.replayflow.cluster.drill.StreamDrill;
import io.replayflow.cluster.drill.TrainerKillDrill;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow drill NAME}: one fault drill against the cluster that {@code replayflow cluster
 * up} started. Prints what it sent, what arrived and the verdict; exits 0 when it passes, 1 when it
 * fails. See docs/RELIABILITY.md.
 */
@Command(
        name = "drill",
        mixinStandardHelpOptions = true,
        description = {
            "Run a fault drill against the local cluster ('replayflow cluster up' first) and print"
                    + " what was sent, what arrived and the verdict (exit 0: pass, 1: fail).",
            "  taskmanager-kill  kill -9 the TaskManager mid-stream; a new one starts; the jobs"
                    + " restore from their checkpoints; the log holds every transition once",
            "  broker-kill       kill -9 a broker while actors publish and jobs consume; nothing"
                    + " lost, nothing duplicated",
            "  trainer-kill      kill -9 the trainer mid-run; the next run resumes from its"
                    + " checkpoint and the version numbers continue upward",
            "  bad-artifact      publish a tampered artifact and one with a wrong observation"
                    + " shape; every actor refuses both and keeps acting",
            "  soak              --duration (default 20m) at a steady rate, a TaskManager kill"
                    + " every --kill-every (default 5m); lag and state bounded, zero loss",
            "  bad-candidate     embedded (no cluster needed): a poor v2 forced in as a 20%%"
                    + " canary beside a good v1; the lifecycle controller must roll it back within"
                    + " 200 of its episodes; every step logged once"
        })
public final class DrillCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m|h)");

    @Spec CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description =
                    "taskmanager-kill, broker-kill, trainer-kill, bad-artifact, bad-candidate or"
                            + " soak.")
    String name;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            defaultValue = ClusterCommand.DEFAULT_DIR,
            description = "Cluster directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "How long the actors publish, e.g. 90s or 20m (default: 60s; soak 20m).")
    String duration;

    @Option(
            names = "--rate",
            paramLabel = "N",
            defaultValue = "200",
            description = "Transitions per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--kill-every",
            paramLabel = "DURATION",
            defaultValue = "5m",
            description = "soak: time between TaskManager kills (default: ${DEFAULT-VALUE}).")
    String killEvery;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (name.equals("bad-candidate")) {
            Path work = Files.createTempDirectory("replayflow-drill-bad-candidate-");
            DrillReport report = BadCandidateDrill.defaults(work).run(new DrillReport(name, out));
            boolean passed = report.verdict();
            if (passed) {
                deleteTree(work);
            } else {
                report.line("kept %s for a look", work);
            }
            return passed ? 0 : 1;
        }
        StreamDrill drill = drill();
        LocalCluster cluster = ClusterCommand.attach(dir);
        if (!cluster.status().healthy()) {
            throw new UsageError(
                    "the cluster in "
                            + cluster.config().dir()
                            + " is not healthy: check 'replayflow cluster status --dir "
                            + dir
                            + "'");
        }
        DrillReport report = new DrillReport(name, out);
        switch (name) {
            case "trainer-kill" -> TrainerKillDrill.defaults().run(cluster, report);
            case "bad-artifact" -> new BadArtifactDrill(2).run(cluster, report);
            default -> drill.run(cluster, report);
        }
        return report.verdict() ? 0 : 1;
    }

    /** The streaming drill of that name; null for the policy drills. */
    private StreamDrill drill() {
        try {
            return switch (name) {
                case "taskmanager-kill" -> StreamDrill.taskManagerKill(duration("60s"), rate);
                case "broker-kill" -> StreamDrill.brokerKill(duration("60s"), rate);
                case "soak" ->
                        StreamDrill.soak(duration("20m"), rate, parse("--kill-every", killEvery));
                case "trainer-kill", "bad-artifact", "bad-candidate" -> null;
                default ->
                        throw new UsageError(
                                "unknown drill '"
                                        + name
                                        + "': choose taskmanager-kill, broker-kill, trainer-kill,"
                                        + " bad-artifact, bad-candidate or soak");
            };
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Duration duration(String fallback) {
        return parse("--duration", duration == null ? fallback : duration);
    }

    static Duration parse(String flag, String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageError(
                    flag + " '" + text + "' is not a duration: use e.g. 90s, 20m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("s")
                ? Duration.ofSeconds(n)
                : m.group(2).equals("m") ? Duration.ofMinutes(n) : Duration.ofHours(n);
    }
}
