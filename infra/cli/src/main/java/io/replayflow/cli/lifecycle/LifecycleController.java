package io.replayflow.cli.lifecycle;

import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.cli.lifecycle.ControllerDecisions.Kind;
import io.replayflow.cli.lifecycle.ControllerDecisions.Outcome;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle controller: every {@code pollInterval} it reads, for each followed policy in {@code
 * AUTOMATIC} mode, the published versions under {@code <data>/policies/<name>/} (with their {@code
 * ope.json}), the assignment and its history ({@link AssignmentLog}), the windows of {@code
 * rf.episodes.stats} and the failure reports of {@code rf.policy.failures}, lets {@link
 * ControllerDecisions} decide, and writes the decision as the next assignment (decider {@code
 * controller}, the reason in words).
 *
 * <p><b>Clients.</b> A running controller keeps its Kafka clients for its life ({@link #onKafka}):
 * one consumer per followed topic (assignments, their history, the statistics, the failure
 * reports), each reading only what was appended since the last pass, and one transactional producer
 * per policy, initialised once ({@link AssignmentLog.Session}). A pass that decides nothing opens
 * no connection and asks the transaction coordinator for nothing; {@link #close()} closes them.
 * After a broker restart they reconnect by themselves; a pass that fails meanwhile is retried at
 * the next interval, with a failed producer replaced.
 *
 * <p><b>Restart.</b> What it keeps is what the topics hold: a restarted controller reads them from
 * their beginning and continues from what they say. A decision goes to the history and the current
 * topic in one transaction; one that an older, non-transactional writer left in the history only is
 * completed on the current topic before deciding, not made again (no duplicate, none lost).
 *
 * <p>Each decision is made and written through {@link AssignmentLog.Session#update}, as the
 * policy's one writer: a {@code policy} verb (or a second controller) writing in between fences the
 * controller's producer, and the pass decides again on what the other wrote, so no sequence number
 * is written twice. Still, run one controller per cluster. Not thread-safe; {@link #start()} runs
 * the passes on one thread of its own.
 */
public final class LifecycleController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleController.class);

    private final ControllerConfig config;
    private final Path dataRoot;
    private final List<String> policies;
    private final Writer log;
    private final Supplier<List<EpisodeStats>> windows;
    private final Supplier<List<PolicyFailure>> failures;
    private final ControllerMetrics metrics;
    private final ControllerDecisions decisions;
    private final Consumer<Outcome> listener;
    private final AutoCloseable clients;
    private final Set<String> refusalsCounted = new HashSet<>();
    private final Map<String, String> lastNote = new HashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;

    /** How a decision is made and written as the policy's only writer ({@link AssignmentLog}). */
    @FunctionalInterface
    public interface Writer {
        Optional<PolicyAssignment> update(
                String policyName,
                Function<AssignmentLog.State, Optional<PolicyAssignment>> decide);
    }

    /**
     * @param policies the names to follow; empty: every policy under {@code <data>/policies/}
     * @param log decides and writes each policy's next assignment
     * @param windows the windows of the episode statistics (asked once per pass)
     * @param failures the failure reports of {@code rf.policy.failures} (asked once per pass)
     * @param listener told of every decision that writes an assignment or refuses a candidate
     * @param clients closed by {@link #close()}, after the last pass
     */
    public LifecycleController(
            ControllerConfig config,
            Path dataRoot,
            List<String> policies,
            Writer log,
            Supplier<List<EpisodeStats>> windows,
            Supplier<List<PolicyFailure>> failures,
            ControllerMetrics metrics,
            InstantSource clock,
            Consumer<Outcome> listener,
            AutoCloseable clients) {
        this.config = config;
        this.dataRoot = dataRoot;
        this.policies = List.copyOf(policies);
        this.log = log;
        this.windows = windows;
        this.failures = failures;
        this.metrics = metrics;
        this.decisions = new ControllerDecisions(config, clock);
        this.listener = listener;
        this.clients = clients;
    }

    /**
     * A controller reading and writing the assignment topics at {@code bootstrap} and pooling live
     * returns from its episode statistics topic ({@code envId} null: every environment): the wiring
     * of {@code replayflow controller}, the drill and the tests.
     */
    public static LifecycleController onKafka(
            ControllerConfig config,
            Path dataRoot,
            List<String> policies,
            String bootstrap,
            Map<String, String> clientSettings,
            Topics topics,
            String envId,
            ControllerMetrics metrics,
            Consumer<Outcome> listener) {
        AssignmentLog.Session log =
                new AssignmentLog(bootstrap, clientSettings, topics, Duration.ofSeconds(30))
                        .session();
        FollowedTopic<EpisodeStats> stats =
                LiveReturns.follow(bootstrap, clientSettings, topics.episodeStats(), envId);
        FollowedTopic<PolicyFailure> failures;
        try {
            failures = PolicyFailures.follow(bootstrap, clientSettings, topics.policyFailures());
        } catch (RuntimeException e) {
            stats.close();
            throw e;
        }
        return new LifecycleController(
                config,
                dataRoot,
                policies,
                log::update,
                stats::values,
                failures::values,
                metrics,
                InstantSource.system(),
                listener,
                () -> {
                    try (log;
                            stats;
                            failures) {
                        // closed in reverse order
                    }
                });
    }

    /** Runs {@link #pass()} every poll interval on a thread of its own until {@link #close()}. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the controller runs already");
        }
        thread = new Thread(this::loop, "replayflow-controller");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the pass thread is alive. */
    public synchronized boolean running() {
        return thread != null && thread.isAlive();
    }

    private void loop() {
        try {
            do {
                try {
                    pass();
                } catch (RuntimeException e) {
                    LOG.warn("controller pass failed, retrying: {}", e.toString());
                }
            } while (!stop.await(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One pass over every followed policy; the outcome of each. */
    public List<Outcome> pass() {
        List<EpisodeStats> stats = windows.get();
        List<PolicyFailure> reports = failures.get();
        List<Outcome> outcomes = new ArrayList<>();
        for (String name : followed()) {
            try {
                outcomes.add(decide(name, stats, reports));
            } catch (RuntimeException e) {
                metrics.passFailed(name);
                LOG.warn("controller: policy '{}' skipped this pass: {}", name, e.getMessage());
            }
        }
        metrics.pass();
        return outcomes;
    }

    private Outcome decide(String name, List<EpisodeStats> stats, List<PolicyFailure> reports) {
        PolicyVersions versions = PolicyVersions.read(dataRoot, name);
        // Decided and written as the policy's only writer: a CLI verb or another controller
        // racing this pass fences it, and it decides again on what they wrote.
        List<Outcome> decided = new ArrayList<>(1);
        List<Optional<PolicyAssignment>> seen = new ArrayList<>(1);
        Optional<PolicyAssignment> written =
                log.update(
                        name,
                        state -> {
                            Outcome o =
                                    decisions.decide(
                                            versions,
                                            state.latest(),
                                            state.history(),
                                            stats,
                                            reports);
                            decided.clear();
                            decided.add(o);
                            seen.clear();
                            seen.add(state.latest());
                            return o.kind().writes() ? Optional.of(o.next()) : Optional.empty();
                        });
        Outcome outcome = decided.get(0);
        Optional<PolicyAssignment> latest = seen.get(0);
        if (written.isPresent()) {
            metrics.decided(name, outcome.kind());
            listener.accept(outcome);
            latest = Optional.of(outcome.next());
        } else if (outcome.kind() == Kind.GATE_REFUSED
                && refusalsCounted.add(name + "/" + outcome.version())) {
            metrics.gateRefused(name);
            listener.accept(outcome);
        }
        if (!outcome.note().equals(lastNote.put(name, outcome.note()))) {
            LOG.info("controller: policy '{}': {}", name, outcome.note());
        }
        latest.ifPresent(
                a ->
                        metrics.versions(
                                name,
                                a.getChampion().getVersion(),
                                a.getCanary() == null ? 0 : a.getCanary().getVersion()));
        return outcome;
    }

    private List<String> followed() {
        if (!policies.isEmpty()) {
            return policies;
        }
        Path dir = dataRoot.resolve(DatasetLayout.POLICIES_DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Stops the pass thread, a pass in progress finishing first (its writes included), and closes
     * the clients.
     */
    @Override
    public void close() {
        stop.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("controller: a pass still runs after 60 s; closing its clients under it");
            }
        }
        try {
            clients.close();
        } catch (Exception e) {
            LOG.warn("controller: closing its Kafka clients failed: {}", e.toString());
        }
    }
}
