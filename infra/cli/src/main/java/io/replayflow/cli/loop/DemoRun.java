package io.replayflow.cli.loop;

import io.replayflow.actor.ActingListener;
import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.actor.StepGate;
import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.actor.eval.Evaluator;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.job.DatasetKind;
import io.replayflow.replay.limit.SamplesPerInsertSettings;
import io.replayflow.replay.segment.SegmentReadOptions;
import io.replayflow.replay.segment.SegmentWindow;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.pg.SegmentConfig;
import io.replayflow.trainer.run.ContinuousTrainer;
import io.replayflow.trainer.run.ContinuousTrainerConfig;
import io.replayflow.trainer.run.ContinuousTrainerStatus;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of the whole loop on one machine: the embedded pipeline (Kafka, ingest, replay-store), an
 * actor process, a continuous trainer publishing a version every {@code publishEvery} gradient
 * steps, and a greedy evaluation of each new version over seeded episodes. The actors act with the
 * newest version ({@link DemoLifecycle.Mode#OFF}) or with what the lifecycle controller assigns
 * ({@link DemoLifecycle.Mode#AUTO}: each version a candidate, gated by OPE, canaried, promoted or
 * rolled back). It ends when an evaluation reaches the environment's solved threshold, when the
 * budget runs out, when {@link #stop()} is called, or when a part fails.
 */
public final class DemoRun {

    /** How the run ended. */
    public enum Outcome {
        SOLVED,
        BUDGET_EXHAUSTED,
        /** The actors took the step budget's steps and the newest version was evaluated. */
        STEP_BUDGET_REACHED,
        INTERRUPTED,
        FAILED
    }

    /**
     * One line of the progress history (for the report's plots), sampled once a second.
     *
     * @param envStepsPerSecond mean since the actors started
     * @param recentMeanReturn mean return of the behaviour policy's last 100 episodes (NaN before
     *     the first)
     * @param trainerStepsPerSecond over the last second or so
     * @param ingestLag records on the transitions topic not yet committed by ingest; -1 unknown
     * @param ingestCommitted records ingest committed (on checkpoints); -1 unknown
     * @param deadLetters dead letters so far by reason code (empty: none)
     */
    public record Sample(
            double wallSeconds,
            long envSteps,
            double envStepsPerSecond,
            double recentMeanReturn,
            long trainerStep,
            double trainerStepsPerSecond,
            double loss,
            long actingVersion,
            long publishedVersion,
            long ingestLag,
            long ingestCommitted,
            SortedMap<String, Long> deadLetters) {

        /** Dead letters so far, all reasons. */
        public long deadLetterTotal() {
            return deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * One evaluation of a published version; a confirmation repeats one that reached the threshold
     * on a second, disjoint set of seeds.
     */
    public record Evaluation(
            long version,
            double wallSeconds,
            long envStepsAtEvaluation,
            EvaluationResult result,
            boolean confirmation) {}

    /** A metrics endpoint that was live during the run. */
    public record Endpoint(String what, URI url) {}

    /**
     * What the run did.
     *
     * @param policyLag a policy-gradient run's policy lag and importance ratios over the run (see
     *     {@link PolicyLag}); null for a value-based run or before the first step
     * @param lifecycle what the lifecycle controller decided and each version's OPE estimate and
     *     live return; null when the run's lifecycle mode was off
     */
    public record Result(
            Outcome outcome,
            String message,
            double solvedThreshold,
            List<Sample> samples,
            List<Evaluation> evaluations,
            long envSteps,
            double wallSeconds,
            long policyVersions,
            Path dataDir,
            List<Endpoint> endpoints,
            Path tensorboardDir,
            PolicyLag policyLag,
            DemoLifecycle.Summary lifecycle) {

        /** A run's result without the lifecycle controller. */
        public Result(
                Outcome outcome,
                String message,
                double solvedThreshold,
                List<Sample> samples,
                List<Evaluation> evaluations,
                long envSteps,
                double wallSeconds,
                long policyVersions,
                Path dataDir,
                List<Endpoint> endpoints,
                Path tensorboardDir,
                PolicyLag policyLag) {
            this(
                    outcome,
                    message,
                    solvedThreshold,
                    samples,
                    evaluations,
                    envSteps,
                    wallSeconds,
                    policyVersions,
                    dataDir,
                    endpoints,
                    tensorboardDir,
                    policyLag,
                    null);
        }

        /** A value-based run's result (no policy lag). */
        public Result(
                Outcome outcome,
                String message,
                double solvedThreshold,
                List<Sample> samples,
                List<Evaluation> evaluations,
                long envSteps,
                double wallSeconds,
                long policyVersions,
                Path dataDir,
                List<Endpoint> endpoints,
                Path tensorboardDir) {
            this(
                    outcome,
                    message,
                    solvedThreshold,
                    samples,
                    evaluations,
                    envSteps,
                    wallSeconds,
                    policyVersions,
                    dataDir,
                    endpoints,
                    tensorboardDir,
                    null,
                    null);
        }

        /**
         * The mean return of the last evaluation (the one that solved it, if solved); NaN if none.
         */
        public double evalMeanReturn() {
            return evaluations.isEmpty()
                    ? Double.NaN
                    : evaluations.get(evaluations.size() - 1).result().meanReturn();
        }

        /** The best mean return of any evaluation of the run (confirmations too); NaN if none. */
        public double bestEvalMeanReturn() {
            return evaluations.stream()
                    .mapToDouble(e -> e.result().meanReturn())
                    .max()
                    .orElse(Double.NaN);
        }
    }

    /**
     * A policy-gradient learner's distance from its data over a run, from its per-step metrics
     * sampled once a second: means of the batch means, and the largest batch maxima.
     *
     * @param meanVersions mean policy lag in versions (newest published minus the acting version)
     * @param maxVersions largest lag in versions seen in a batch
     * @param meanSeconds mean seconds from acting to learning
     * @param meanRatio mean importance ratio pi/mu before truncation
     * @param maxRatio largest importance ratio seen in a batch
     * @param samples per-second samples averaged
     */
    public record PolicyLag(
            double meanVersions,
            double maxVersions,
            double meanSeconds,
            double meanRatio,
            double maxRatio,
            long samples) {

        /** Adds one sample of a trainer's metrics; returns this when they hold no lag. */
        PolicyLag add(Map<String, Double> m) {
            Double versions = m.get(TrainerMetrics.POLICY_LAG_VERSIONS);
            if (versions == null) {
                return this;
            }
            long n = samples + 1;
            return new PolicyLag(
                    meanVersions + (versions - meanVersions) / n,
                    Math.max(
                            maxVersions,
                            m.getOrDefault(TrainerMetrics.POLICY_LAG_VERSIONS_MAX, 0.0)),
                    meanSeconds
                            + (m.getOrDefault(TrainerMetrics.POLICY_LAG_SECONDS, 0.0) - meanSeconds)
                                    / n,
                    meanRatio
                            + (m.getOrDefault(TrainerMetrics.IMPORTANCE_RATIO_MEAN, 0.0)
                                            - meanRatio)
                                    / n,
                    Math.max(maxRatio, m.getOrDefault(TrainerMetrics.IMPORTANCE_RATIO_MAX, 0.0)),
                    n);
        }

        static final PolicyLag NONE = new PolicyLag(0, 0, 0, 0, 0, 0);
    }

    /** Rows one reader refresh may insert (a few checkpoints' worth of files). */
    static final int MAX_INSERT_BATCH = 8_192;

    /** Seeds of the confirmation episodes: far from the evaluation seeds. */
    static final long CONFIRMATION_SEED_OFFSET = 7_919_000_001L;

    private final DemoSettings settings;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    private final Double targetReturn;
    private final DemoLifecycle.Mode lifecycle;
    private final Map<String, String> controllerSettings;

    /** A run that stops at the environment's solved threshold; the newest version acts. */
    public DemoRun(DemoSettings settings) {
        this(settings, null);
    }

    /**
     * A run that stops when an evaluation reaches {@code targetReturn} instead (null: the
     * environment's solved threshold), e.g. -80 on Acrobot-v1 where Gymnasium's threshold is -100.
     */
    public DemoRun(DemoSettings settings, Double targetReturn) {
        this(settings, targetReturn, DemoLifecycle.Mode.OFF);
    }

    /**
     * A run whose acting version the lifecycle controller decides ({@code lifecycle} AUTO) or that
     * acts with the newest version (OFF).
     */
    public DemoRun(DemoSettings settings, Double targetReturn, DemoLifecycle.Mode lifecycle) {
        this(settings, targetReturn, lifecycle, Map.of());
    }

    /**
     * As above, with {@code controllerOverrides} (controller.* keys) over the demo's controller
     * settings ({@link DemoLifecycle#CONTROLLER_SETTINGS}) in automatic mode.
     */
    public DemoRun(
            DemoSettings settings,
            Double targetReturn,
            DemoLifecycle.Mode lifecycle,
            Map<String, String> controllerOverrides) {
        this.settings = settings;
        this.targetReturn = targetReturn;
        this.lifecycle = java.util.Objects.requireNonNull(lifecycle, "lifecycle");
        this.controllerSettings = DemoLifecycle.controllerSettings(controllerOverrides);
    }

    /** Asks a running {@link #run} to wind down (Ctrl-C). */
    public void stop() {
        stopRequested.set(true);
    }

    /** Runs the loop, printing the live progress view to {@code out}. */
    public Result run(PrintWriter out, boolean inPlace) throws Exception {
        double threshold =
                targetReturn != null
                        ? targetReturn
                        : EnvRegistry.withBuiltIns().spec(settings.env()).solvedThreshold();
        long started = System.nanoTime();
        List<Sample> samples = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        Outcome outcome = Outcome.BUDGET_EXHAUSTED;
        String message = "";

        out.printf(
                "ReplayFlow demo: %s with %s, budget %s, data in %s%n",
                settings.env(),
                settings.trainer().getOrDefault("trainer.algo", "double-dqn"),
                format(settings.budget()),
                settings.dataDir().toAbsolutePath());
        out.printf("Starting Kafka, Flink (ingest + replay-store jobs), actors and trainer...%n");
        out.flush();

        ExecutorService evaluator = Executors.newSingleThreadExecutor(r -> daemon(r, "demo-eval"));
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(pipelineSettings());
                LagProbe lag =
                        new LagProbe(
                                pipeline.stack().bootstrapServers(),
                                pipeline.stack().topics().transitions(),
                                "replayflow-ingest");
                DeadLetterProbe deadLetters =
                        new DeadLetterProbe(
                                pipeline.stack().bootstrapServers(),
                                pipeline.stack().topics().deadLetters());
                TrainerGauges gauges = TrainerGauges.start(settings.env());
                ContinuousTrainer trainer = startTrainer(pipeline);
                ActorRunner actors = startActors(pipeline, trainer);
                DemoLifecycle controller = startLifecycle(pipeline, started)) {
            List<Endpoint> endpoints = endpoints(pipeline, actors, gauges);
            out.printf(
                    "Up in %.1f s: Kafka %s, Flink %s%n",
                    seconds(started),
                    pipeline.stack().bootstrapServers(),
                    pipeline.stack().flinkRestAddress());
            for (Endpoint e : endpoints) {
                out.printf("  Prometheus, %s: %s%n", e.what(), e.url());
            }
            out.printf("  TensorBoard: tensorboard --logdir %s%n", tensorboardRoot());
            if (controller != null) {
                out.printf(
                        "Lifecycle: automatic: each version is a candidate: %s OPE gate, canary on"
                                + " %s of the episodes, promoted or rolled back on live return%n",
                        controllerSettings.get("controller.gate.ope-method"),
                        controllerSettings.get("controller.canary.share"));
            }
            out.flush();

            long evaluatedVersion = 0;
            // the version to evaluate before stopping at the step budget; -1 before
            long lastVersionInBudget = -1;
            PolicyLag policyLag = PolicyLag.NONE;
            long lastLagStep = -1;
            Future<Evaluation> pending = null;
            ProgressView view = new ProgressView(out, inPlace);
            while (true) {
                double wall = seconds(started);
                ActorStatus a = actors.status();
                ContinuousTrainerStatus t = trainer.status();
                gauges.update(t);
                if (t.trainerStep() != lastLagStep) {
                    policyLag = policyLag.add(t.metrics());
                    lastLagStep = t.trainerStep();
                }
                LagProbe.Offsets offsets = lag.offsets();
                Sample s =
                        new Sample(
                                wall,
                                a.steps(),
                                a.stepsPerSecond(),
                                a.recentMeanReturn(),
                                t.trainerStep(),
                                t.stepsPerSecond(),
                                t.lastLoss(),
                                a.policyVersion(),
                                t.lastPublishedVersion(),
                                offsets.lag(),
                                offsets.committed(),
                                deadLetters.poll());
                samples.add(s);
                Evaluation last =
                        evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
                view.update(s, last, settings.budget().toSeconds() - wall);
                if (controller != null) {
                    controller.published(t.lastPublishedVersion());
                    for (DemoLifecycle.Decision d : controller.drainDecisions()) {
                        view.println("lifecycle: " + d.reason());
                    }
                }

                if (pending != null && pending.isDone()) {
                    Evaluation e = pending.get();
                    pending = null;
                    evaluations.add(e);
                    view.println(
                            String.format(
                                    "eval v%d at %,d env steps: mean return %.1f ± %.1f over %d"
                                            + " episodes",
                                    e.version(),
                                    e.envStepsAtEvaluation(),
                                    e.result().meanReturn(),
                                    e.result().stdReturn(),
                                    e.result().episodes()));
                    if (e.result().meanReturn() >= threshold) {
                        // Stopping at the first of many evaluations that crosses the line favours
                        // lucky seeds: confirm on a second, disjoint set of episodes.
                        EvaluationResult confirm =
                                Evaluator.withBuiltIns()
                                        .evaluate(
                                                policyDir(pipeline, e.version()),
                                                settings.env(),
                                                settings.evalEpisodes(),
                                                settings.evalSeed() + CONFIRMATION_SEED_OFFSET);
                        Evaluation confirmed =
                                new Evaluation(
                                        e.version(),
                                        seconds(started),
                                        e.envStepsAtEvaluation(),
                                        confirm,
                                        true);
                        evaluations.add(confirmed);
                        view.println(
                                String.format(
                                        "confirm v%d on other seeds: mean return %.1f ± %.1f",
                                        e.version(), confirm.meanReturn(), confirm.stdReturn()));
                        if (confirm.meanReturn() >= threshold) {
                            outcome = Outcome.SOLVED;
                            message =
                                    String.format(
                                            "solved: v%d reached %.1f and %.1f on two seed sets"
                                                    + " (>= %.1f)",
                                            e.version(),
                                            e.result().meanReturn(),
                                            confirm.meanReturn(),
                                            threshold);
                            break;
                        }
                    }
                }
                if (pending == null && t.lastPublishedVersion() > evaluatedVersion) {
                    long version = t.lastPublishedVersion();
                    evaluatedVersion = version;
                    Path dir = policyDir(pipeline, version);
                    long stepsNow = a.steps();
                    pending =
                            evaluator.submit(
                                    () ->
                                            new Evaluation(
                                                    version,
                                                    seconds(started),
                                                    stepsNow,
                                                    Evaluator.withBuiltIns()
                                                            .evaluate(
                                                                    dir,
                                                                    settings.env(),
                                                                    settings.evalEpisodes(),
                                                                    settings.evalSeed()),
                                                    false));
                }
                if (trainer.failure().isPresent()) {
                    outcome = Outcome.FAILED;
                    message = "trainer failed: " + describe(trainer.failure().get());
                    break;
                }
                if (settings.maxEnvSteps() > 0
                        && a.steps() >= settings.maxEnvSteps()
                        && lastVersionInBudget < 0) {
                    // at least v1: the trainer may still learn from the budget's frames (up to
                    // the limiter's ratio) when the actors finish before its first version
                    lastVersionInBudget = Math.max(1, t.lastPublishedVersion());
                    view.println(
                            String.format(
                                    "step budget of %,d env steps reached: evaluating v%d, then"
                                            + " stopping",
                                    settings.maxEnvSteps(), lastVersionInBudget));
                }
                if (lastVersionInBudget >= 0
                        && pending == null
                        && evaluatedVersion >= lastVersionInBudget) {
                    outcome = Outcome.STEP_BUDGET_REACHED;
                    message =
                            String.format(
                                    "step budget of %,d env steps reached", settings.maxEnvSteps());
                    break;
                }
                if (stopRequested.get()) {
                    outcome = Outcome.INTERRUPTED;
                    message = "interrupted";
                    break;
                }
                if (wall >= settings.budget().toSeconds()) {
                    outcome = Outcome.BUDGET_EXHAUSTED;
                    message = "budget of " + format(settings.budget()) + " used up before solving";
                    break;
                }
                Thread.sleep(1000);
            }
            view.finish();
            out.println(message);
            out.println("Stopping actors, trainer, jobs and broker...");
            out.flush();
            actors.stop();
            trainer.stop(Duration.ofSeconds(30));
            DemoLifecycle.Summary lifecycleSummary =
                    controller == null ? null : controller.finish();
            ActorStatus a = actors.status();
            return new Result(
                    outcome,
                    message,
                    threshold,
                    List.copyOf(samples),
                    List.copyOf(evaluations),
                    a.steps(),
                    seconds(started),
                    trainer.status().lastPublishedVersion(),
                    settings.dataDir().toAbsolutePath(),
                    endpoints,
                    tensorboardRoot(),
                    policyLag.samples() > 0 ? policyLag : null,
                    lifecycleSummary);
        } finally {
            evaluator.shutdownNow();
            evaluator.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private EmbeddedPipeline.Settings pipelineSettings() {
        return new EmbeddedPipeline.Settings(
                settings.dataDir(),
                0,
                2,
                "rf.",
                false,
                true,
                settings.checkpointInterval(),
                Duration.ofSeconds(20),
                "demo",
                settings.segmentLoop() ? DatasetKind.SEGMENTS : DatasetKind.TRANSITIONS,
                lifecycle == DemoLifecycle.Mode.AUTO
                        ? DemoLifecycle.INGEST_SETTINGS
                        : Map.<String, String>of());
    }

    /** The lifecycle controller in automatic mode; null when off. */
    private DemoLifecycle startLifecycle(EmbeddedPipeline pipeline, long startedNanos) {
        if (lifecycle == DemoLifecycle.Mode.OFF) {
            return null;
        }
        return DemoLifecycle.start(
                settings.policyName(),
                settings.dataDir().toAbsolutePath(),
                pipeline.stack().bootstrapServers(),
                pipeline.stack().topics(),
                settings.env(),
                controllerSettings,
                startedNanos);
    }

    private ContinuousTrainer startTrainer(EmbeddedPipeline pipeline) {
        Map<String, String> trainerSettings = new HashMap<>(settings.trainer());
        trainerSettings.put("trainer.policy.name", settings.policyName());
        TrainerConfig trainerConfig = TrainerConfig.fromMap(trainerSettings);
        ContinuousTrainerConfig.Builder builder =
                ContinuousTrainerConfig.builder(pipeline.dataRoot(), pipeline.datasetName())
                        .env(settings.env())
                        .publishEvery(settings.publishEvery())
                        .bootstrap(pipeline.stack().bootstrapServers())
                        .topics(pipeline.stack().topics())
                        .tensorboardDir(tensorboardRoot().resolve(settings.env()))
                        .pollInterval(Duration.ofMillis(500))
                        .dataTimeout(Duration.ofMinutes(10));
        if (trainerConfig.algo().segments()) {
            builder.policyGradient(SegmentConfig.fromMap(trainerSettings))
                    .segments(
                            SegmentReadOptions.defaults()
                                    .withMaxUses(settings.segmentUses())
                                    .withWindow(
                                            new SegmentWindow(
                                                    settings.segmentMaxAge(), Long.MAX_VALUE)));
        } else {
            valueBased(builder, trainerConfig);
        }
        ContinuousTrainer trainer = new ContinuousTrainer(builder.build(), InstantSource.system());
        trainer.start();
        return trainer;
    }

    /** The value-based trainer: a samples-per-insert limiter holds it to the tuned replay ratio. */
    private void valueBased(ContinuousTrainerConfig.Builder builder, TrainerConfig trainerConfig) {
        int batch = trainerConfig.batchSize();
        builder.trainer(trainerConfig)
                .minSize(settings.minSize())
                .refreshEvery(50)
                .publishEvery(settings.publishEvery())
                .samplesPerInsert(
                        new SamplesPerInsertSettings(
                                settings.samplesPerInsert(),
                                // the narrowest band the limiter accepts for a refresh
                                // that inserts up to MAX_INSERT_BATCH rows at once
                                (batch + settings.samplesPerInsert() * MAX_INSERT_BATCH) / 2.0,
                                settings.minSize(),
                                batch,
                                MAX_INSERT_BATCH));
    }

    /**
     * The replay loop's actors wait once they are {@link DemoSettings#actorLead} steps beyond
     * {@code minSize} plus the trainer's gradient steps times {@code batch / samplesPerInsert} (the
     * env steps one gradient step stands for); they never wait for a trainer that has stopped or
     * failed, nor in the policy-gradient loop (its segment window bounds staleness instead).
     */
    private StepGate actorGate(ContinuousTrainer trainer) {
        if (settings.actorLead() == 0 || settings.segmentLoop()) {
            return StepGate.OPEN;
        }
        int batch = TrainerConfig.fromMap(settings.trainer()).batchSize();
        double stepsPerUpdate = batch / settings.samplesPerInsert();
        long base = settings.minSize() + settings.actorLead();
        return steps -> {
            ContinuousTrainerStatus t = trainer.status();
            return t.phase() == ContinuousTrainerStatus.Phase.STOPPED
                    || t.phase() == ContinuousTrainerStatus.Phase.FAILED
                    || steps < base + t.trainerStep() * stepsPerUpdate;
        };
    }

    private ActorRunner startActors(EmbeddedPipeline pipeline, ContinuousTrainer trainer) {
        ActorConfig config =
                ActorConfig.builder()
                        .bootstrapServers(pipeline.stack().bootstrapServers())
                        .topicPrefix("rf.")
                        .env(settings.env())
                        .policyName(settings.policyName())
                        .envsPerActor(settings.envsPerActor())
                        .actors(1)
                        .maxStepsPerSecond(settings.actorStepsPerSecond())
                        .steps(settings.maxEnvSteps())
                        .epsilon(EpsilonSchedule.parse(settings.epsilon()))
                        .epsilonSpread(settings.epsilonSpread())
                        // One seed for the run: trainer.seed also seeds the actors' environments,
                        // random policy and exploration, so a run's seed says all that was drawn
                        // (the pipeline's timing still varies between runs).
                        .seed(TrainerConfig.fromMap(settings.trainer()).seed())
                        .metricsPort(0)
                        // Only artifacts the demo's trainer exported may be loaded.
                        .policyRoot(
                                Path.of(pipeline.dataRoot()).resolve(DatasetLayout.POLICIES_DIR))
                        .build();
        return ActorRunner.start(
                config,
                EnvRegistry.withBuiltIns(),
                InstantSource.system(),
                ActingListener.NONE,
                actorGate(trainer));
    }

    /** The TensorBoard logdir: the trainer writes {@code <env>/events.out.tfevents.*} below. */
    private Path tensorboardRoot() {
        return settings.dataDir().toAbsolutePath().resolve("tensorboard");
    }

    private static List<Endpoint> endpoints(
            EmbeddedPipeline pipeline, ActorRunner actors, TrainerGauges gauges) {
        List<Endpoint> endpoints = new ArrayList<>();
        if (actors.metricsPort() > 0) {
            endpoints.add(
                    new Endpoint(
                            "actors",
                            URI.create(
                                    "http://"
                                            + actors.config().metricsHost()
                                            + ":"
                                            + actors.metricsPort()
                                            + "/metrics")));
        }
        endpoints.add(new Endpoint("trainer", gauges.url()));
        pipeline.flinkPrometheus()
                .ifPresent(url -> endpoints.add(new Endpoint("Flink (ingest, replay-store)", url)));
        return List.copyOf(endpoints);
    }

    private Path policyDir(EmbeddedPipeline pipeline, long version) {
        return Path.of(pipeline.dataRoot())
                .resolve(DatasetLayout.POLICIES_DIR)
                .resolve(settings.policyName())
                .resolve(Long.toString(version));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? (s / 60) + "m" : s + "s";
    }
}
