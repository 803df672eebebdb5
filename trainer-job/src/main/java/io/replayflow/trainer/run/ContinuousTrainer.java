package io.replayflow.trainer.run;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.replay.segment.SegmentDataset;
import io.replayflow.replay.segment.SegmentSource;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.StepMetrics;
import io.replayflow.trainer.TrainLoop;
import io.replayflow.trainer.Trainer;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.data.DataSelection;
import io.replayflow.trainer.data.ReplayDatasetSource;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.pg.EpisodeAssembler;
import io.replayflow.trainer.pg.PgStepMetrics;
import io.replayflow.trainer.pg.PolicyGradientConfig;
import io.replayflow.trainer.pg.PolicyGradientLearner;
import io.replayflow.trainer.pg.PolicyGradientLoop;
import io.replayflow.trainer.pg.SegmentLineage;
import io.replayflow.trainer.publish.PublishException;
import io.replayflow.trainer.run.ContinuousTrainerStatus.Phase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains on a replay dataset while replay-store keeps writing it, and publishes a policy version
 * every {@code publish-every} steps so that actors hot-swap: the trainer side of the demo's loop.
 *
 * <pre>{@code
 * try (ContinuousTrainer trainer = new ContinuousTrainer(config, InstantSource.system())) {
 *     trainer.start();
 *     while (!solved()) {
 *         ContinuousTrainerStatus s = trainer.status();   // step, steps/s, loss, version, rows
 *         Thread.sleep(1000);
 *     }
 * }   // close() stops between steps and writes a last checkpoint
 * }</pre>
 *
 * On its own thread it
 *
 * <ol>
 *   <li>opens {@code <root>/replay/<dataset>/} (optionally with a samples-per-insert limiter) and
 *       refreshes it every {@code poll-interval} until it holds {@code min-size} transitions;
 *   <li>builds the {@link Trainer} and resumes from the newest checkpoint, if any;
 *   <li>trains, refreshing the dataset every {@code refresh-every} steps (new files in, expired
 *       partitions out); with a prioritized sampler, TD errors update the dataset's priorities and
 *       go to {@code rf.priorities};
 *   <li>every {@code publish-every} steps exports the next policy version and publishes it to
 *       {@code rf.policies} (a checkpoint is written with every version); a failed publish is
 *       logged and shown in {@link #status()}, and training goes on.
 * </ol>
 *
 * With a policy-gradient {@code trainer.algo} (a2c, reinforce, impala) the dataset is a segment
 * dataset ({@code replay.dataset.kind=segments}) read FIFO through {@link SegmentDataset} (for
 * REINFORCE joined into whole episodes by {@link EpisodeAssembler}); a {@link
 * PolicyGradientLearner} steps whenever {@code trainer.batch-size} segments are ready, the segment
 * window's version bound follows the last published version, and every {@code publish-every} steps
 * a stochastic policy version is exported and published the same way. Its checkpoints (every {@code
 * trainer.checkpoint.period} steps and on stop) use the same store and format; no reader state is
 * saved, since segments are read once.
 *
 * <p>{@link #stop} asks the thread to stop between steps (a wait for data ends within about a
 * second) and waits for it; the final checkpoint is written. The publishers it was given (or made
 * from the config's bootstrap address) are closed when the thread ends.
 *
 * <p>{@link #start}, {@link #status}, {@link #stop} and {@link #close} may be called from any
 * thread; everything else runs on the trainer's own thread.
 */
public final class ContinuousTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContinuousTrainer.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final long STALLED_MS = 2_000;

    private final ContinuousTrainerConfig config;
    private final InstantSource clock;
    private final PublishTargets givenTargets;

    private Thread thread;
    private volatile boolean stopRequested;
    private volatile Throwable failure;

    // Status, written by the trainer thread, read by status().
    private volatile Phase phase = Phase.NEW;
    private volatile long step;
    private volatile double stepsPerSecond;
    private volatile float lastLoss = Float.NaN;
    private volatile long lastPublished;
    private volatile long transitionsLoaded;
    private volatile long lastStepMs;
    private volatile String message = "";
    private volatile Map<String, Double> metrics = Map.of();

    // Steps/s window, trainer thread only.
    private long windowStartMs;
    private long windowStartStep;

    /**
     * A trainer that publishes to Kafka at {@code config.bootstrap()} (producers made when it
     * starts), or only exports when no bootstrap address is set.
     */
    public ContinuousTrainer(ContinuousTrainerConfig config, InstantSource clock) {
        this(config, clock, null);
    }

    /**
     * A trainer that publishes through {@code targets} (null: made from the config when it starts);
     * it closes them when it ends.
     */
    public ContinuousTrainer(
            ContinuousTrainerConfig config, InstantSource clock, PublishTargets targets) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.givenTargets = targets;
    }

    /** Starts the trainer thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("this continuous trainer was already started");
        }
        phase = Phase.WAITING_FOR_DATA;
        thread = new Thread(this::runOnThread, "replayflow-continuous-trainer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A snapshot for a progress view; steps/s reads 0 once no step was taken for two seconds (e.g.
     * while a samples-per-insert limiter waits for new rows).
     */
    public ContinuousTrainerStatus status() {
        double rate = clock.millis() - lastStepMs > STALLED_MS ? 0 : stepsPerSecond;
        return new ContinuousTrainerStatus(
                phase, step, rate, lastLoss, lastPublished, transitionsLoaded, message, metrics);
    }

    /** The error that ended the trainer, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Asks the trainer to stop between steps and waits up to {@code timeout} for its thread.
     *
     * @return whether the thread has ended
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        stopRequested = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            phase = Phase.STOPPED;
            if (givenTargets != null) {
                givenTargets.close(); // never started: nothing else will close them
            }
            return true;
        }
        t.join(Math.max(1, timeout.toMillis()));
        return !t.isAlive();
    }

    /** Stops (waiting up to a minute) and releases everything. */
    @Override
    public void close() {
        try {
            if (!stop(STOP_TIMEOUT)) {
                LOG.warn("the continuous trainer did not stop within {}", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runOnThread() {
        try (PublishTargets targets = givenTargets != null ? givenTargets : targetsFromConfig()) {
            lastPublished = targets.lastPublished();
            train(targets);
            phase = Phase.STOPPED;
        } catch (CancellationException e) {
            phase = stopRequested ? Phase.STOPPED : failed(e);
        } catch (Throwable e) {
            phase = failed(e);
        }
    }

    private Phase failed(Throwable e) {
        failure = e;
        message = e.getMessage() == null ? e.toString() : e.getMessage();
        LOG.error("continuous trainer failed", e);
        return Phase.FAILED;
    }

    private PublishTargets targetsFromConfig() {
        return config.bootstrap().isEmpty()
                ? PublishTargets.none()
                : PublishTargets.kafka(
                        config.bootstrap().get(),
                        config.kafkaProperties(),
                        config.topics(),
                        config.trainer().policyName(),
                        config.trainer().priorityEpsilon(),
                        KAFKA_TIMEOUT);
    }

    private void train(PublishTargets targets) throws IOException, InterruptedException {
        TrainerConfig tc = config.trainer();
        Path root = DataRoots.localDirectory(config.dataRoot(), "data root");
        CheckpointStore checkpoints =
                new CheckpointStore(
                        Objects.requireNonNullElse(
                                config.checkpointDir(),
                                DataRoots.defaultCheckpoints(root, tc.policyName())),
                        tc.checkpointKeep());
        if (config.policyGradient().isPresent()) {
            trainPolicyGradient(config.policyGradient().get(), root, checkpoints, targets);
            return;
        }
        long startStep = checkpoints.latest().map(CheckpointStore::stepOf).orElse(0L);
        DataSelection selection =
                new DataSelection(
                        config.env(), Optional.empty(), Optional.empty(), Optional.empty());
        ReplayReadOptions.Builder options =
                ReplayDatasetSource.readOptions(tc, selection, startStep)
                        .pollInterval(config.pollInterval());
        config.samplesPerInsert().ifPresent(options::limiter);
        try (ReplayDataset dataset =
                ReplayDataset.openReplay(root.toUri(), config.dataset(), options.build())) {
            if (!awaitMinSize(dataset)) {
                return;
            }
            ReplayDatasetSource.Builder source =
                    ReplayDatasetSource.builder(dataset, tc)
                            .numActions(config.numActions())
                            .selection(selection)
                            .startStep(startStep)
                            .fillTimeout(config.dataTimeout())
                            .cancelWhen(() -> stopRequested);
            if (targets.priorities() != null && tc.prioritized()) {
                source.publishPriorities(targets.priorities(), () -> lastPublished);
            }
            trainOn(source.build(), checkpoints, root, targets);
        }
    }

    private boolean awaitMinSize(ReplayDataset dataset) throws IOException, InterruptedException {
        while (!stopRequested) {
            long loaded = dataset.liveRows() + dataset.pendingRows();
            transitionsLoaded = loaded;
            if (loaded >= config.minSize() && dataset.obsDim() > 0) {
                LOG.info("{} holds {} transitions: training starts", dataset.uri(), loaded);
                return true;
            }
            Thread.sleep(config.pollInterval().toMillis());
            dataset.refresh();
        }
        return false;
    }

    private void trainOn(
            ReplayDatasetSource source, CheckpointStore checkpoints, Path root, PublishTargets out)
            throws IOException {
        TrainerConfig tc = config.trainer();
        Path tensorboard =
                Objects.requireNonNullElse(
                        config.tensorboardDir(),
                        DataRoots.defaultTensorboard(root, tc.policyName()));
        try (Trainer trainer = Trainer.create(tc, source.spec());
                EventFileWriter events = new EventFileWriter(tensorboard)) {
            trainer.restoreLatest(checkpoints, source);
            step = trainer.globalStep();
            windowStartMs = clock.millis();
            windowStartStep = step;
            phase = Phase.TRAINING;
            TrainLoop loop =
                    TrainLoop.builder(trainer, source)
                            .checkpoints(checkpoints)
                            .events(events)
                            .stopWhen(() -> stopRequested)
                            .onStep(m -> onStep(m, source.dataset()))
                            .build();
            PolicyExporter exporter = new PolicyExporter(root, clock);
            long every = config.publishEvery();
            while (!stopRequested) {
                long target = (trainer.globalStep() / every + 1) * every;
                try {
                    loop.run(target);
                } catch (CancellationException e) {
                    if (!stopRequested) {
                        throw e;
                    }
                    trainer.saveCheckpoint(checkpoints, source); // stopped while waiting for data
                    break;
                }
                if (trainer.globalStep() == target) {
                    publish(trainer, source, exporter, events, out);
                }
            }
            if (out.priorities() != null) {
                out.priorities().flush();
            }
        }
    }

    private void onStep(StepMetrics m, ReplayDataset dataset) {
        step = m.step();
        lastLoss = m.totalLoss();
        transitionsLoaded = dataset.liveRows() + dataset.pendingRows();
        long now = clock.millis();
        lastStepMs = now;
        if (now - windowStartMs >= 1000) {
            stepsPerSecond = (m.step() - windowStartStep) * 1000.0 / (now - windowStartMs);
            windowStartMs = now;
            windowStartStep = m.step();
        }
    }

    private void publish(
            Trainer trainer,
            ReplayDatasetSource source,
            PolicyExporter exporter,
            EventFileWriter events,
            PublishTargets out)
            throws IOException {
        PolicyArtifact artifact = trainer.export(exporter, source.lineage(), lastPublished);
        lastPublished = artifact.version();
        events.scalar(TrainerMetrics.POLICY_VERSION, artifact.version(), trainer.globalStep());
        events.flush();
        if (out.policies() == null) {
            return;
        }
        try {
            out.policies()
                    .publish(
                            artifact.toPolicyVersion(
                                    Map.of(TrainerMetrics.LOSS_TOTAL, (double) lastLoss)));
            message = "";
        } catch (PublishException e) {
            LOG.warn("{}; training goes on", e.getMessage());
            message = e.getMessage();
        }
    }

    // ---- policy-gradient runs ----

    /** Sleep while no segment batch is ready; the dataset lists itself at most every 200 ms. */
    private static final long PG_IDLE_MS = 20;

    /** REINFORCE: segments the episode assembler asks for per poll. */
    private static final int EPISODE_SEGMENTS_PER_POLL = 8;

    /**
     * REINFORCE: idle polls (about 10 s at {@link #PG_IDLE_MS}) before an episode counts as cut.
     */
    private static final int EPISODE_PATIENCE = 500;

    private void trainPolicyGradient(
            PolicyGradientConfig pg, Path root, CheckpointStore checkpoints, PublishTargets out)
            throws IOException, InterruptedException {
        TrainerConfig tc = pg.trainer();
        SegmentDataset dataset =
                SegmentDataset.open(
                        root.toUri(),
                        config.dataset(),
                        config.segments().withLearnerVersion(() -> lastPublished).withClock(clock));
        SegmentLineage lineage =
                new SegmentLineage(
                        DatasetLayout.replayDataset(root.toUri(), config.dataset()).toString());
        SegmentSource counted =
                counting(
                        tc.algo() == Algo.REINFORCE
                                ? new EpisodeAssembler(
                                        dataset, EPISODE_SEGMENTS_PER_POLL, EPISODE_PATIENCE)
                                : dataset,
                        lineage);
        try (counted) {
            SegmentBatch batch = awaitFirstBatch(counted, tc.batchSize());
            if (batch == null) {
                return;
            }
            TransitionSpec spec = TransitionSpec.vector(batch.obsDim(), config.numActions());
            Path tensorboard =
                    Objects.requireNonNullElse(
                            config.tensorboardDir(),
                            DataRoots.defaultTensorboard(root, tc.policyName()));
            try (PolicyGradientLearner learner = PolicyGradientLearner.create(pg, spec);
                    EventFileWriter events = new EventFileWriter(tensorboard)) {
                learner.restoreLatest(checkpoints);
                SegmentSource replayFirst = replayingFirst(counted, batch);
                PolicyGradientLoop loop =
                        new PolicyGradientLoop(
                                learner, replayFirst, null, events, () -> lastPublished, clock);
                runPolicyGradient(learner, loop, checkpoints, lineage, events, root, out);
            }
        }
    }

    private void runPolicyGradient(
            PolicyGradientLearner learner,
            PolicyGradientLoop loop,
            CheckpointStore checkpoints,
            SegmentLineage lineage,
            EventFileWriter events,
            Path root,
            PublishTargets out)
            throws IOException, InterruptedException {
        TrainerConfig tc = learner.config().trainer();
        PolicyExporter exporter = new PolicyExporter(root, clock);
        step = learner.globalStep();
        windowStartMs = clock.millis();
        windowStartStep = step;
        phase = Phase.TRAINING;
        long checkpointEvery = tc.checkpointPeriod();
        while (!stopRequested) {
            Optional<PgStepMetrics> m = loop.poll();
            if (m.isEmpty()) {
                Thread.sleep(PG_IDLE_MS);
                continue;
            }
            onPolicyGradientStep(m.get(), loop, learner);
            long s = m.get().step();
            if (s % config.publishEvery() == 0) {
                publishPolicyGradient(learner, lineage, exporter, events, out);
            }
            if (checkpointEvery > 0 && s % checkpointEvery == 0) {
                learner.saveCheckpoint(checkpoints);
            }
        }
        if (learner.globalStep() > 0) {
            learner.saveCheckpoint(checkpoints);
        }
        events.flush();
    }

    /** Polls until one batch is ready (empty: stopped first); the batch is stepped on first. */
    private SegmentBatch awaitFirstBatch(SegmentSource source, int batchSize)
            throws InterruptedException {
        while (!stopRequested) {
            Optional<SegmentBatch> batch = source.next(batchSize);
            if (batch.isPresent()) {
                LOG.info(
                        "first segment batch ({} x {} steps, obs width {}): training starts",
                        batch.get().size(),
                        batch.get().length(),
                        batch.get().obsDim());
                return batch.get();
            }
            Thread.sleep(PG_IDLE_MS);
        }
        return null;
    }

    private void onPolicyGradientStep(
            PgStepMetrics m, PolicyGradientLoop loop, PolicyGradientLearner learner) {
        step = m.step();
        lastLoss = m.totalLoss();
        transitionsLoaded = learner.samplesSeen();
        metrics = loop.lastScalars();
        long now = clock.millis();
        lastStepMs = now;
        if (now - windowStartMs >= 1000) {
            stepsPerSecond = (m.step() - windowStartStep) * 1000.0 / (now - windowStartMs);
            windowStartMs = now;
            windowStartStep = m.step();
        }
    }

    private void publishPolicyGradient(
            PolicyGradientLearner learner,
            SegmentLineage lineage,
            PolicyExporter exporter,
            EventFileWriter events,
            PublishTargets out)
            throws IOException {
        String policy = learner.config().trainer().policyName();
        PolicyArtifact artifact =
                exporter.export(learner.snapshot(policy, lineage.lineage()), lastPublished);
        lastPublished = artifact.version();
        LOG.info(
                "exported stochastic {} version {} at step {}",
                policy,
                artifact.version(),
                learner.globalStep());
        events.scalar(TrainerMetrics.POLICY_VERSION, artifact.version(), learner.globalStep());
        events.flush();
        if (out.policies() == null) {
            return;
        }
        try {
            out.policies()
                    .publish(
                            artifact.toPolicyVersion(
                                    Map.of(TrainerMetrics.LOSS_TOTAL, (double) lastLoss)));
            message = "";
        } catch (PublishException e) {
            LOG.warn("{}; training goes on", e.getMessage());
            message = e.getMessage();
        }
    }

    /** {@code source}, recording every batch it hands out in {@code lineage}. */
    private static SegmentSource counting(SegmentSource source, SegmentLineage lineage) {
        return new SegmentSource() {
            @Override
            public Optional<SegmentBatch> next(int batchSize) {
                Optional<SegmentBatch> batch = source.next(batchSize);
                batch.ifPresent(lineage::add);
                return batch;
            }

            @Override
            public long segmentsServed() {
                return source.segmentsServed();
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }

    /** {@code source}, handing out {@code first} once before its own batches. */
    private static SegmentSource replayingFirst(SegmentSource source, SegmentBatch first) {
        return new SegmentSource() {
            private SegmentBatch pending = first;

            @Override
            public Optional<SegmentBatch> next(int batchSize) {
                if (pending != null && pending.size() == batchSize) {
                    SegmentBatch b = pending;
                    pending = null;
                    return Optional.of(b);
                }
                return source.next(batchSize);
            }

            @Override
            public long segmentsServed() {
                return source.segmentsServed();
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }
}
