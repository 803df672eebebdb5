package io.replayflow.cluster.drill;

import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.cluster.internal.JvmLauncher;
import io.replayflow.cluster.internal.ProcessRegistry;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the policy drills ({@code trainer-kill}, {@code bad-artifact}) stand on: the run's topics,
 * the ingest and replay-store jobs, actor processes ({@link DrillActorMain}) filling the experience
 * log, and trainer processes ({@link DrillTrainerMain}). Every process is registered as {@code
 * drill-...} in the cluster's registry, so {@code replayflow cluster down} stops it too; {@link
 * #close()} stops them and cancels the jobs.
 */
final class PolicyDrillSetup implements AutoCloseable {

    private final LocalCluster cluster;
    private final String run;
    private final Topics topics;
    private final Path root;
    private final DrillJobs jobs;
    private final List<String> actors = new ArrayList<>();
    private final Map<String, Process> processes = new java.util.LinkedHashMap<>();

    private PolicyDrillSetup(LocalCluster cluster, DrillJobs jobs) {
        this.cluster = cluster;
        this.run = jobs.run();
        this.topics = jobs.topics();
        this.root = jobs.root();
        this.jobs = jobs;
    }

    /** Creates the run's topics and submits its jobs; waits until they run. */
    static PolicyDrillSetup start(LocalCluster cluster, String drill, DrillReport report)
            throws Exception {
        DrillJobs jobs = DrillJobs.start(cluster, drill, Duration.ofMinutes(10));
        PolicyDrillSetup setup = new PolicyDrillSetup(cluster, jobs);
        try {
            jobs.awaitHealthy(cluster.jobs(), Duration.ofMinutes(4));
        } catch (RuntimeException | InterruptedException e) {
            setup.close();
            throw e;
        }
        report.line(
                "run %s: jobs %s, %s running; data root %s",
                jobs.run(), jobs.ingest(), jobs.replayStore(), jobs.root());
        return setup;
    }

    /** Starts an actor process acting at most {@code stepsPerSecond}; returns its name. */
    String startActor(int stepsPerSecond) {
        String name = "drill-actor-" + (actors.size() + 1);
        start(
                name,
                DrillActorMain.class.getName(),
                "-Xmx384m",
                List.of(
                        cluster.config().bootstrapServers(),
                        topics.prefix(),
                        root.resolve(DatasetLayout.POLICIES_DIR).toString(),
                        name,
                        Integer.toString(stepsPerSecond)));
        actors.add(name);
        return name;
    }

    /** Starts a trainer process training to {@code steps}; returns its name. */
    String startTrainer(String name, long steps, long checkpointPeriod) {
        start(
                name,
                DrillTrainerMain.class.getName(),
                "-Xmx768m",
                List.of(
                        root.toUri().toString(),
                        cluster.config().bootstrapServers(),
                        topics.prefix(),
                        Long.toString(steps),
                        Long.toString(checkpointPeriod)));
        return name;
    }

    /** Waits until the experience log holds at least {@code rows} transitions. */
    long awaitLogRows(long rows, Duration timeout) throws Exception {
        ExperienceLogReader reader = new ExperienceLogReader(root);
        Deadline deadline = Deadline.in(timeout);
        long seen = 0;
        while (seen < rows) {
            if (deadline.passed()) {
                throw new ClusterException(
                        "the experience log holds "
                                + seen
                                + " of "
                                + rows
                                + " rows after "
                                + timeout);
            }
            Thread.sleep(2_000);
            seen = reader.identityCounts().size();
        }
        return seen;
    }

    /** The process, if it runs. */
    Optional<ProcessHandle> process(String name) {
        return cluster.processes().find(name);
    }

    /** Waits for a process this setup started to end: its exit code, or empty on timeout. */
    Optional<Integer> awaitExit(String name, Duration timeout) throws InterruptedException {
        Process p = processes.get(name);
        if (p == null
                || !p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        cluster.processes().forget(name);
        return Optional.of(p.exitValue());
    }

    /** {@code kill -9} of a drill process. */
    void kill(String name) {
        cluster.processes().stop(name, Duration.ZERO);
    }

    /** Stops a drill process (SIGTERM, then SIGKILL). */
    void stop(String name) {
        cluster.processes().stop(name, Duration.ofSeconds(10));
    }

    /** The output lines of a drill process so far. */
    List<String> output(String name) {
        try {
            return Files.readAllLines(cluster.launcher().outFile(name));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The newest {@code STATUS} line of an actor, parsed into key=value pairs. */
    Map<String, String> actorStatus(String actor) {
        List<String> lines = output(actor);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(DrillActorMain.STATUS)) {
                Map<String, String> status = new java.util.LinkedHashMap<>();
                for (String pair :
                        lines.get(i).substring(DrillActorMain.STATUS.length()).split(" ")) {
                    int eq = pair.indexOf('=');
                    status.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                return status;
            }
        }
        return Map.of();
    }

    List<String> actors() {
        return List.copyOf(actors);
    }

    Topics topics() {
        return topics;
    }

    Path root() {
        return root;
    }

    String run() {
        return run;
    }

    LocalCluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        for (String name : processes.keySet()) {
            cluster.processes().stop(name, Duration.ofSeconds(10));
        }
        jobs.cancel(cluster.jobs());
    }

    private void start(String name, String mainClass, String heap, List<String> args) {
        ProcessRegistry registry = cluster.processes();
        if (registry.find(name).isPresent()) {
            throw new ClusterException(name + " runs already");
        }
        Process p =
                cluster.launcher()
                        .start(
                                new JvmLauncher.Command(
                                        name,
                                        mainClass,
                                        System.getProperty("java.class.path"),
                                        List.of(
                                                heap,
                                                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                                        args));
        registry.register(name, p.toHandle());
        processes.put(name, p);
    }
}
