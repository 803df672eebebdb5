package io.replayflow.cluster.drill;

import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.schemas.avro.PolicyVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code trainer-kill}: actors fill the experience log through the cluster; a first trainer run
 * publishes version A; a second run is killed with {@code kill -9} after it has written a
 * checkpoint past A's step; a third run (the same command) must resume at that checkpoint's step
 * and publish version A+1: the version numbers continue upward, none lost, none reused.
 *
 * @param firstSteps steps of the first run (its version is A)
 * @param killAfterSteps the second run is killed once a checkpoint at or past {@code firstSteps +
 *     killAfterSteps} exists
 * @param checkpointPeriod trainer steps between checkpoints
 */
public record TrainerKillDrill(long firstSteps, long killAfterSteps, long checkpointPeriod) {

    private static final Pattern CHECKPOINT = Pattern.compile("step-(\\d{12})");
    private static final Pattern RESUMING = Pattern.compile("resuming at step ([\\d,]+)");
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);

    /** The defaults: 600 steps, kill 600 steps later, checkpoints every 200. */
    public static TrainerKillDrill defaults() {
        return new TrainerKillDrill(600, 600, 200);
    }

    public DrillReport run(LocalCluster cluster, DrillReport report) throws Exception {
        try (PolicyDrillSetup setup = PolicyDrillSetup.start(cluster, "trainer-kill", report)) {
            String actor = setup.startActor(400);
            long rows = setup.awaitLogRows(3_000, Duration.ofMinutes(4));
            setup.stop(actor);
            report.line("SENT: actor %s logged %d transitions; stopped it", actor, rows);
            Path checkpoints =
                    setup.root().resolve("checkpoints/trainer/" + DrillTrainerMain.POLICY);

            long versionA = completeRun(setup, "drill-trainer-1", firstSteps, report);
            long killAt = firstSteps + killAfterSteps;
            setup.startTrainer("drill-trainer-2", killAt * 20, checkpointPeriod);
            boolean reached =
                    Deadline.in(RUN_TIMEOUT)
                            .await(
                                    () -> latestCheckpoint(checkpoints) >= killAt,
                                    Duration.ofMillis(200));
            if (!reached) {
                throw new ClusterException(
                        "the second trainer run wrote no checkpoint at step " + killAt);
            }
            setup.kill("drill-trainer-2");
            long killedAt = latestCheckpoint(checkpoints);
            report.line("kill -9 drill-trainer-2 mid-run; newest checkpoint: step %d", killedAt);

            long resumeTarget = killedAt + checkpointPeriod;
            long versionC = completeRun(setup, "drill-trainer-3", resumeTarget, report);
            long resumedAt = resumedAt(setup.output("drill-trainer-3"));
            List<Long> published =
                    TopicReader.records(
                                    cluster.config().bootstrapServers(),
                                    setup.topics().policies(),
                                    PolicyVersion.class,
                                    Duration.ofMinutes(1))
                            .stream()
                            .map(PolicyVersion::getVersion)
                            .toList();
            report.line("ARRIVED: versions on %s: %s", setup.topics().policies(), published);
            report.check(
                    "the restarted trainer resumed at the newest checkpoint (step "
                            + killedAt
                            + ")",
                    resumedAt == killedAt);
            report.check(
                    "its version continues upward: " + versionA + " then " + versionC,
                    versionC == versionA + 1);
            report.check(
                    "the policies topic holds each version once, strictly increasing",
                    published.equals(List.of(versionA, versionC)));
        }
        return report;
    }

    /** Runs a trainer to {@code steps} and returns the version it published. */
    private static long completeRun(
            PolicyDrillSetup setup, String name, long steps, DrillReport report)
            throws InterruptedException {
        setup.startTrainer(name, steps, 200);
        Optional<Integer> exit = setup.awaitExit(name, RUN_TIMEOUT);
        List<String> out = setup.output(name);
        if (exit.isEmpty() || exit.get() != 0) {
            throw new ClusterException(
                    name
                            + " did not finish (exit "
                            + exit.map(String::valueOf).orElse("timeout")
                            + "); last output: "
                            + out.subList(Math.max(0, out.size() - 5), out.size()));
        }
        long version =
                lastMatch(out, VERSION)
                        .orElseThrow(() -> new ClusterException(name + " printed no version"));
        report.line("%s trained to step %d and published version %d", name, steps, version);
        return version;
    }

    /** The step of the newest complete checkpoint, -1 if none. */
    static long latestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> CHECKPOINT.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1)))
                    .max()
                    .orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long resumedAt(List<String> output) {
        return lastMatch(output, RESUMING).orElse(0L);
    }

    private static Optional<Long> lastMatch(List<String> lines, Pattern pattern) {
        Optional<Long> found = Optional.empty();
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                found = Optional.of(Long.parseLong(m.group(1).replace(",", "")));
            }
        }
        return found;
    }
}
