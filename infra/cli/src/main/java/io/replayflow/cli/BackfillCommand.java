package io.replayflow.cli;

import static io.replayflow.replay.job.ReplayStoreOptions.SCORING_POLICY_ROOT;

import io.replayflow.cli.progress.ProgressLine;
import io.replayflow.cluster.JobJars;
import io.replayflow.replay.backfill.Backfill;
import io.replayflow.replay.backfill.BackfillRange;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.scoring.PolicyAnnouncement;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow backfill}: rebuild a replay dataset from the experience log with the
 * replay-store's operators in Flink's BATCH mode, on an embedded MiniCluster or a cluster.
 */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = {
            "Build the replay dataset <data>/replay/NAME from a range of the experience log with"
                + " the replay-store job's operators in Flink's BATCH mode (n-step targets,"
                + " returns-to-go, initial priorities). The dataset appears whole when the run"
                + " succeeds, replacing an earlier backfill of NAME atomically; a failed run leaves"
                + " it as it was. Prints progress, then one JSON line."
        })
final class BackfillCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data root.")
    Path data;

    @Option(
            names = "--dataset",
            required = true,
            paramLabel = "NAME",
            description = "Dataset to write: <data>/replay/NAME.")
    String dataset;

    @Option(names = "--env", paramLabel = "ENV", description = "Only this environment.")
    String env;

    @Option(
            names = "--from",
            paramLabel = "INSTANT",
            description = "First event time included, ISO-8601 (2026-11-20T00:00:00Z).")
    String from;

    @Option(
            names = "--to",
            paramLabel = "INSTANT",
            description = "First event time excluded, ISO-8601.")
    String to;

    @Option(
            names = "--policy-versions",
            split = ",",
            paramLabel = "V1,V2",
            description = "Only transitions logged by these behaviour policy versions.")
    long[] policyVersions;

    @Option(
            names = "--n-step",
            paramLabel = "N",
            description = "n of the n-step targets (default: replay.n-step, 3).")
    Integer nStep;

    @Option(
            names = "--gamma",
            paramLabel = "G",
            description = "Discount of the targets and returns (default: replay.gamma, 0.99).")
    Double gamma;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any replay.* option (see docs/CONFIG.md), e.g. replay.priority.initial=2,"
                            + " repeatable.")
    List<String> settings = new ArrayList<>();

    @Option(
            names = "--score-with",
            paramLabel = "POLICY_DIR",
            description =
                    "Score every row's initial priority with this policy artifact (a SavedModel"
                            + " with replayflow-policy.json), by the replay-store job's TD scorer:"
                            + " |r_n + γ^n (1 - done) max_a Q(s_n, a) - Q(s, a)| + ε. Default: rows"
                            + " enter at replay.priority.initial.")
    Path scoreWith;

    @Option(
            names = "--parallelism",
            paramLabel = "P",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description =
                    "Run on this Flink cluster's REST endpoint (shipping the replay-store job jar)"
                            + " instead of an embedded MiniCluster.")
    String jobManager;

    @Option(
            names = "--progress-interval",
            paramLabel = "DURATION",
            defaultValue = "2s",
            description = "How often to print progress (default: ${DEFAULT-VALUE}).")
    String progressInterval;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UsageError("--parallelism " + parallelism + " must be at least 1");
        }
        if (!Files.isDirectory(data)) {
            throw new UsageError("--data " + data + " is not a directory; give the data root");
        }
        Duration interval = UsageError.duration("--progress-interval", progressInterval);
        PolicyAnnouncement policy = scoreWith == null ? null : scoringPolicy(scoreWith);
        ReplayStoreConfig config = config();
        if (policy != null && !config.scoring().enabled()) {
            throw new UsageError(
                    "--score-with needs replay.priority.scoring.enabled=true; drop one of the two");
        }
        BackfillRange range = range();
        PrintWriter out = spec.commandLine().getOut();
        Backfill.Result result;
        try {
            result =
                    Backfill.run(
                            environment(),
                            config,
                            range,
                            policy,
                            p -> {
                                out.println(ProgressLine.backfill(p));
                                out.flush();
                            },
                            interval);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        out.printf(
                Locale.ROOT,
                "{\"dataset\": \"%s\", \"rows_read\": %d, \"rows_written\": %d, \"partitions\": %d,"
                        + " \"files\": %d, \"seconds\": %.3f, \"rows_per_s\": %.0f}%n",
                result.dataset(),
                result.rowsRead(),
                result.rowsWritten(),
                result.partitions(),
                result.files(),
                result.elapsed().toNanos() / 1e9,
                result.rowsPerSecond());
        out.flush();
        return ReplayFlow.EXIT_OK;
    }

    private ReplayStoreConfig config() {
        try {
            ReplayStoreConfig.Builder b =
                    ReplayStoreConfig.builder()
                            .bootstrapServers("unused:9092")
                            .dataRoot(data.toAbsolutePath().toUri())
                            .datasetName(dataset);
            for (String kv : settings) {
                int eq = kv.indexOf('=');
                if (eq <= 0 || !kv.startsWith("replay.")) {
                    throw new UsageError(
                            "--set '"
                                    + kv
                                    + "' needs the form replay.key=value, e.g. replay.n-step=5");
                }
                b.set(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
            if (scoreWith != null
                    && settings.stream()
                            .noneMatch(kv -> kv.startsWith(SCORING_POLICY_ROOT.key() + "="))) {
                // the loader accepts artifacts under the policy root only: root it at the one given
                b.set(
                        SCORING_POLICY_ROOT.key(),
                        scoreWith.toAbsolutePath().normalize().getParent().toString());
            }
            if (nStep != null) {
                b.nStep(nStep);
            }
            if (gamma != null) {
                b.gamma(gamma);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** The artifact's announcement, its manifest read and its files checked first. */
    private static PolicyAnnouncement scoringPolicy(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageError(
                    "--score-with "
                            + dir
                            + " is not a directory; give a policy artifact directory, e.g."
                            + " <data>/policies/<name>/<version>");
        }
        try {
            PolicyManifest manifest = PolicyManifest.readFrom(dir);
            manifest.verify(dir, null);
            return PolicyAnnouncement.of(manifest, dir);
        } catch (InvalidArtifactException e) {
            throw new UsageError("--score-with " + dir + ": " + e.getMessage());
        }
    }

    private BackfillRange range() {
        Set<Long> versions = new HashSet<>();
        if (policyVersions != null) {
            for (long v : policyVersions) {
                versions.add(v);
            }
        }
        try {
            return new BackfillRange(
                    env,
                    from == null ? Long.MIN_VALUE : instant("--from", from),
                    to == null ? Long.MAX_VALUE : instant("--to", to),
                    versions);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private static long instant(String flag, String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new UsageError(
                    flag
                            + " '"
                            + text
                            + "' is not an ISO-8601 instant such as 2026-11-21T00:00:00Z");
        }
    }

    private StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        if (jobManager == null) {
            // accumulators (the progress) travel with the heartbeats
            conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
            return StreamExecutionEnvironment.createLocalEnvironment(
                    parallelism, Backfill.localClusterOptions(conf));
        }
        int colon = jobManager.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(jobManager.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            port = -1;
        }
        if (colon <= 0 || port <= 0 || port > 65535) {
            throw new UsageError(
                    "--jobmanager '"
                            + jobManager
                            + "' needs the form HOST:PORT (REST port), e.g."
                            + " 127.0.0.1:18081");
        }
        return StreamExecutionEnvironment.createRemoteEnvironment(
                jobManager.substring(0, colon), port, conf, JobJars.replayStore().toString());
    }
}
