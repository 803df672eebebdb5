package io.replayflow.trainer.run;

import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.trainer.StepMetrics;
import io.replayflow.trainer.TrainLoop;
import io.replayflow.trainer.Trainer;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.data.DataSelection;
import io.replayflow.trainer.data.ReplayDatasetSource;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.pg.PgStepMetrics;
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
 * With a policy-gradient {@code trainer.algo} (a2c, reinforce, impala) the thread runs a {@link
 * PolicyGradientRun} instead: trajectory segments read FIFO from a segment dataset, a stochastic
 * policy version every {@code publish-every} steps, published the same way, and checkpoints in the
 * same store and format.
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
            new PolicyGradientRun(
                            config,
                            config.policyGradient().get(),
                            clock,
                            () -> stopRequested,
                            lastPublished,
                            new StatusListener())
                    .run(root, checkpoints, targets);
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
        transitionsLoaded = dataset.liveRows() + dataset.pendingRows();
        stepped(m.step(), m.totalLoss());
    }

    /** Status after each step, either kind of run; steps/s over windows of at least a second. */
    private void stepped(long newStep, float loss) {
        step = newStep;
        lastLoss = loss;
        long now = clock.millis();
        lastStepMs = now;
        if (now - windowStartMs >= 1000) {
            stepsPerSecond = (newStep - windowStartStep) * 1000.0 / (now - windowStartMs);
            windowStartMs = now;
            windowStartStep = newStep;
        }
    }

    /** Where a {@link PolicyGradientRun} reports into this trainer's status. */
    private final class StatusListener implements PolicyGradientRun.Listener {
        @Override
        public void training(long restoredStep) {
            step = restoredStep;
            windowStartMs = clock.millis();
            windowStartStep = restoredStep;
            phase = Phase.TRAINING;
        }

        @Override
        public void stepped(PgStepMetrics m, Map<String, Double> scalars, long samplesSeen) {
            transitionsLoaded = samplesSeen;
            metrics = scalars;
            ContinuousTrainer.this.stepped(m.step(), m.totalLoss());
        }

        @Override
        public void published(long version, String publishError) {
            lastPublished = version;
            message = publishError;
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
}
