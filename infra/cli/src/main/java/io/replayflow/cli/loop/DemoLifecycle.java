package io.replayflow.cli.loop;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.cli.lifecycle.ControllerConfig;
import io.replayflow.cli.lifecycle.ControllerDecisions;
import io.replayflow.cli.lifecycle.ControllerMetrics;
import io.replayflow.cli.lifecycle.ControllerOptions;
import io.replayflow.cli.lifecycle.LifecycleController;
import io.replayflow.cli.lifecycle.LiveReturn;
import io.replayflow.cli.lifecycle.LiveReturns;
import io.replayflow.cli.lifecycle.PolicyVersions;
import io.replayflow.cli.lifecycle.PublishedVersion;
import io.replayflow.cli.lifecycle.Stage;
import io.replayflow.policy.Policy;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.trainer.data.DataSelection;
import io.replayflow.trainer.ope.ExperienceEpisodes;
import io.replayflow.trainer.ope.OffPolicyEvaluation;
import io.replayflow.trainer.ope.OpeResultFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo in automatic mode: the {@link LifecycleController} of {@code replayflow controller} (the
 * same class, in-process) decides which published version the actors act with, so every version the
 * trainer publishes is a candidate that must pass the OPE gate, act a canary share of the episodes
 * and be promoted or rolled back on its live return. This class runs the off-policy evaluation the
 * gate reads ({@code ope.json} beside each candidate) and records the controller's decisions for
 * the report.
 *
 * <p><b>OPE in the demo</b>: weighted per-decision importance sampling (WPDIS) of the candidate's
 * ε-soft policy ({@link #OPE_TARGET_EPSILON}) on the episodes logged in the last {@link
 * #OPE_WINDOW}, 100 bootstrap resamples, and the same estimate of the champion on the same episodes
 * (rewritten into the champion's {@code ope.json}), so the gate compares like with like. WPDIS
 * needs only the candidate's greedy action on each logged step (one batched forward pass): FQE or
 * DR would fit a network per candidate (20,000 gradient steps by default), longer than a version
 * lives in the demo. The ε-soft target keeps every logged episode's weight nonzero under the
 * ε-greedy behaviour; its value is the soft policy's, close to the greedy one's at ε = 0.05.
 *
 * <p><b>Controller settings for the demo</b> ({@link #CONTROLLER_SETTINGS}): a version lives a few
 * seconds here, not hours, so the canary takes half the episodes and 4 episodes a side are enough
 * to promote it, at 80% one-sided confidence and a promotion tolerance of 25 return (10 to roll it
 * back); one still undecided after 4 episodes a side gives its place to the newest candidate that
 * passes the gate. With 10 a side, Acrobot's first versions (500-step episodes, every one at the
 * time limit, 10 a side = 10,000 steps) kept a failing v1 or v2 acting for 35,000 to 70,000 steps
 * while later versions already swung up in evaluation; with 4 its greedy evaluations passed -100 at
 * 17,000 to 37,000 steps in five runs of six, at 61,000 in the sixth (docs/BENCHMARKS.md). The
 * gate's margin is 300: WPDIS of a candidate on 30 s of episodes acted mostly by another version,
 * at horizons up to 500, has a lower bound hundreds below its value (a first run with margin 100
 * refused every one of the last eight candidates, lower bounds 12 to 48 against champion estimates
 * 134 to 190, while their greedy evaluations reached 320 to 474), so here the gate only stops a
 * candidate whose bound is far below the champion, and the canary's live return decides. The
 * episode statistics it judges on come from the ingest job's windows, 2 s here ({@link
 * #INGEST_SETTINGS}) instead of a minute.
 *
 * <p>Threads: the controller passes on its own thread; OPE runs on one worker thread; {@link
 * #published}, {@link #drainDecisions} and {@link #finish} are called from the demo's loop.
 */
public final class DemoLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoLifecycle.class);

    /** Who decides which version acts. */
    public enum Mode {
        /** The lifecycle controller: gate, canary, promotion, rollback. */
        AUTO,
        /** No controller: the newest version acts, hot-swapped (as before assignments existed). */
        OFF;

        /** {@code auto} or {@code off}, as the command line spells it. */
        public static Mode parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "off" -> OFF;
                default ->
                        throw new IllegalArgumentException(
                                "--lifecycle '"
                                        + text
                                        + "': use auto (the controller decides what acts) or off"
                                        + " (the newest version acts)");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The controller's settings in the demo (see the class comment). */
    public static final Map<String, String> CONTROLLER_SETTINGS =
            Map.of(
                    "controller.poll-interval", "1s",
                    "controller.canary.share", "0.5",
                    "controller.promote.min-episodes", "4",
                    "controller.promote.early-episodes", "4",
                    "controller.canary.supersede-after", "4",
                    "controller.rollback.min-episodes", "10",
                    "controller.confidence", "0.8",
                    "controller.promote.tolerance", "25",
                    "controller.gate.margin", "300",
                    "controller.gate.ope-method", "wpdis");

    /**
     * {@link #CONTROLLER_SETTINGS} with {@code overrides} (controller.* keys, from the demo's
     * {@code --set}) over them, checked as the controller reads them.
     *
     * @throws IllegalArgumentException naming an unknown key or a bad value
     */
    public static Map<String, String> controllerSettings(Map<String, String> overrides) {
        Map<String, String> merged = new java.util.TreeMap<>(CONTROLLER_SETTINGS);
        merged.putAll(overrides);
        ControllerOptions.parse(merged);
        return Map.copyOf(merged);
    }

    /**
     * The ingest job's episode statistics every 2 s, 1 s out of orderness allowed, and the
     * experience log compacted (so visible) every 4 s instead of the demo's 20 s: the OPE reads the
     * log, and with 20 s the first versions (published some 20 s into a run) found no episode
     * logged yet and were never estimated, so the first canary came at v5 or v6, a third of the way
     * through a run the newest version would otherwise have acted in.
     */
    public static final Map<String, String> INGEST_SETTINGS =
            Map.of(
                    "ingest.stats.window", "2 s",
                    "ingest.watermark.out-of-orderness", "1 s",
                    "ingest.log.compaction.max-delay", "4 s");

    /** The estimator the demo runs and the gate reads, unless --set names another. */
    static final String OPE_METHOD = "wpdis";

    /** The evaluated policy: the candidate's greedy action with probability 1 − ε + ε/|A|. */
    static final double OPE_TARGET_EPSILON = 0.05;

    /** Episodes logged this long before an evaluation are its data. */
    static final Duration OPE_WINDOW = Duration.ofSeconds(30);

    private static final int OPE_RESAMPLES = 100;

    /**
     * One decision of the controller as the demo saw it.
     *
     * @param wallSeconds since the demo started
     * @param kind {@link ControllerDecisions.Kind#label()}: took_over, gate_passed, gate_refused,
     *     promoted, rolled_back
     * @param version the version decided about
     * @param champion the champion after the decision (the current one for a refusal)
     * @param canary the canary after it, 0 for none
     * @param share the canary's share after it
     * @param reason the controller's reason in words
     */
    public record Decision(
            double wallSeconds,
            String kind,
            long version,
            long champion,
            long canary,
            double share,
            String reason) {}

    /**
     * One published version at the end of the run: its stage, its last OPE estimate and its live
     * return.
     *
     * @param ope the gate's estimate ({@link #OPE_METHOD}) with its interval; null if never
     *     evaluated
     * @param live pooled episode statistics of the version; null if it acted no finished episode
     *     that reached the statistics
     */
    public record VersionFigures(long version, String stage, Estimate ope, LiveReturn live) {}

    /** An OPE estimate: value and bootstrap interval. */
    public record Estimate(String method, double value, double low, double high) {}

    /**
     * What automatic mode did over a run.
     *
     * @param decisions in order
     * @param versions by version number
     * @param controller the controller's settings, for the report
     */
    public record Summary(
            List<Decision> decisions,
            List<VersionFigures> versions,
            Map<String, String> controller,
            String opeMethod) {}

    private final String policy;
    private final Map<String, String> controllerSettings;
    private final String opeMethod;
    private final Path dataRoot;
    private final String bootstrap;
    private final Topics topics;
    private final EnvSpec envSpec;
    private final long startedNanos;
    private final LifecycleController controller;
    private final AssignmentLog assignments;
    private final PolicyLoader loader;
    private final ExecutorService ope =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "demo-ope");
                        t.setDaemon(true);
                        return t;
                    });
    private final ConcurrentLinkedQueue<Decision> heard = new ConcurrentLinkedQueue<>();
    private final List<Decision> decisions = new ArrayList<>();
    private Future<?> pendingOpe;
    private volatile long evaluatedUpTo;
    private boolean controllerStarted;

    private DemoLifecycle(
            String policy,
            Path dataRoot,
            String bootstrap,
            Topics topics,
            String envId,
            Map<String, String> controllerSettings,
            long startedNanos) {
        this.policy = policy;
        this.controllerSettings = controllerSettings;
        this.opeMethod = controllerSettings.getOrDefault("controller.gate.ope-method", OPE_METHOD);
        this.dataRoot = dataRoot;
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.startedNanos = startedNanos;
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        this.envSpec = registry.spec(envId);
        this.loader =
                PolicyLoader.tensorFlow(
                                EnvPolicySpec.of(envSpec),
                                registry.make(envId).reset(0),
                                Policy.ACTIONS_CHUNK)
                        .statelessOnly(
                                "the demo's off-policy evaluation scores each logged step on its"
                                        + " own, without the target policy's state");
        this.assignments = new AssignmentLog(bootstrap, Map.of(), topics, Duration.ofSeconds(30));
        ControllerConfig config = ControllerOptions.parse(controllerSettings);
        this.controller =
                LifecycleController.onKafka(
                        config,
                        dataRoot,
                        List.of(policy),
                        bootstrap,
                        Map.of(),
                        topics,
                        envId,
                        new ControllerMetrics(new PrometheusRegistry()),
                        this::heard);
    }

    /**
     * Automatic mode for {@code policy} (its versions under {@code <dataRoot>/policies/}) on the
     * pipeline's broker. The controller starts with the first published version (before it, there
     * is nothing to decide and each pass would only say so).
     *
     * @param startedNanos the demo's start ({@link System#nanoTime()}), for the decisions' times
     */
    public static DemoLifecycle start(
            String policy,
            Path dataRoot,
            String bootstrap,
            Topics topics,
            String envId,
            Map<String, String> controllerSettings,
            long startedNanos) {
        return new DemoLifecycle(
                policy, dataRoot, bootstrap, topics, envId, controllerSettings, startedNanos);
    }

    private void heard(ControllerDecisions.Outcome outcome) {
        PolicyAssignment next = outcome.next();
        long champion = next == null ? -1 : next.getChampion().getVersion();
        long canary = next == null || next.getCanary() == null ? 0 : next.getCanary().getVersion();
        double share = next == null ? 0 : next.getCanaryShare();
        heard.add(
                new Decision(
                        (System.nanoTime() - startedNanos) / 1e9,
                        outcome.kind().label(),
                        outcome.version(),
                        champion,
                        canary,
                        share,
                        outcome.note()));
    }

    /** The decisions heard since the last call, for the progress view. */
    public List<Decision> drainDecisions() {
        List<Decision> fresh = new ArrayList<>();
        for (Decision d = heard.poll(); d != null; d = heard.poll()) {
            fresh.add(d);
        }
        decisions.addAll(fresh);
        return fresh;
    }

    /**
     * The trainer has published up to {@code newest}: evaluate the newest version not yet
     * evaluated, unless an evaluation is still running (the next call starts it then; the
     * controller gates the newest candidate only).
     */
    public void published(long newest) {
        if (newest >= 1 && !controllerStarted) {
            controller.start();
            controllerStarted = true;
        }
        if (newest <= evaluatedUpTo || (pendingOpe != null && !pendingOpe.isDone())) {
            return;
        }
        evaluatedUpTo = newest;
        pendingOpe = ope.submit(() -> evaluate(newest));
    }

    /** OPE of {@code version} and of the current champion on the same recent episodes. */
    private void evaluate(long version) {
        try {
            Optional<ExperienceEpisodes.Read> recent = recentEpisodes();
            if (recent.isEmpty()) {
                // The log shows rows at checkpoints: early in the run there is nothing to read yet.
                LOG.info("demo OPE of v{}: no complete episode logged yet; retried later", version);
                evaluatedUpTo = Math.min(evaluatedUpTo, version - 1);
                return;
            }
            ExperienceEpisodes.Read read = recent.get();
            Optional<PolicyAssignment> current = assignments.current(policy);
            PolicyVersions versions = PolicyVersions.read(dataRoot, policy);
            if (current.isPresent()) {
                long champion = current.get().getChampion().getVersion();
                if (champion != version) {
                    versions.find(champion).ifPresent(v -> evaluate(v, read));
                }
            }
            versions.find(version).ifPresent(v -> evaluate(v, read));
        } catch (Exception e) {
            LOG.warn("demo OPE of v{} failed: {}", version, e.toString());
        }
    }

    /** The complete episodes logged within {@link #OPE_WINDOW}; empty while there are none. */
    private Optional<ExperienceEpisodes.Read> recentEpisodes() throws IOException {
        ExperienceEpisodes.Read read;
        try {
            read =
                    ExperienceEpisodes.read(
                            dataRoot.toUri(),
                            new DataSelection(
                                    Optional.of(envSpec.id()),
                                    Optional.of(Instant.now().minus(OPE_WINDOW)),
                                    Optional.empty(),
                                    Optional.empty()));
        } catch (IllegalArgumentException noTransitionsYet) {
            return Optional.empty();
        }
        return read.episodes().isEmpty() ? Optional.empty() : Optional.of(read);
    }

    private void evaluate(PublishedVersion version, ExperienceEpisodes.Read read) {
        OffPolicyEvaluation.Settings settings =
                OffPolicyEvaluation.Settings.builder()
                        .methods(Set.of(opeMethod))
                        .resamples(OPE_RESAMPLES)
                        .seed(version.version())
                        .targetEpsilon(OPE_TARGET_EPSILON)
                        .build();
        try (Policy target = loader.loadDirectory(version.dir())) {
            OffPolicyEvaluation.Report report =
                    OffPolicyEvaluation.run(
                            read.episodes(),
                            read.obsDim(),
                            envSpec.numActions(),
                            target::actions,
                            settings);
            OpeResultFile.write(version.dir(), report.toJson(version.dir().toString()));
            LOG.info(
                    "demo OPE of v{} on {} episodes: {}",
                    version.version(),
                    report.episodes(),
                    report.estimates().get(opeMethod));
        } catch (Exception e) {
            LOG.warn("demo OPE of v{} failed: {}", version.version(), e.toString());
        }
    }

    /**
     * Stops the controller and the OPE worker, then reads what the run left: every published
     * version's stage, last OPE estimate and live return (the broker must still be up).
     */
    public Summary finish() {
        close();
        drainDecisions();
        List<PublishedVersion> published = PolicyVersions.publishedSoFar(dataRoot, policy);
        Optional<PolicyAssignment> current = assignments.current(policy);
        List<PolicyAssignment> history = assignments.history(policy);
        Map<Long, LiveReturn> live =
                LiveReturns.read(bootstrap, Map.of(), topics.episodeStats(), envSpec.id());
        long newest = published.isEmpty() ? 0 : published.get(published.size() - 1).version();
        List<VersionFigures> figures = new ArrayList<>();
        for (PublishedVersion v : published) {
            var e = v.estimate(opeMethod);
            figures.add(
                    new VersionFigures(
                            v.version(),
                            Stage.of(v.version(), newest, current, history).label(),
                            e == null
                                    ? null
                                    : new Estimate(
                                            opeMethod,
                                            e.path("value").asDouble(),
                                            e.path("low").asDouble(),
                                            e.path("high").asDouble()),
                            live.get(v.version())));
        }
        return new Summary(
                List.copyOf(decisions),
                List.copyOf(figures),
                new java.util.TreeMap<>(controllerSettings),
                opeMethod);
    }

    /** Stops the controller (a pass in progress finishes) and the OPE worker. */
    @Override
    public void close() {
        controller.close();
        ope.shutdownNow();
        try {
            ope.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
