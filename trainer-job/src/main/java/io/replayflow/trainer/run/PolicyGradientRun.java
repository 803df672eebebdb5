package io.replayflow.trainer.run;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.replay.segment.SegmentDataset;
import io.replayflow.replay.segment.SegmentSource;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.pg.EpisodeAssembler;
import io.replayflow.trainer.pg.PgStepMetrics;
import io.replayflow.trainer.pg.PolicyGradientLearner;
import io.replayflow.trainer.pg.PolicyGradientLoop;
import io.replayflow.trainer.pg.SegmentConfig;
import io.replayflow.trainer.pg.SegmentLearner;
import io.replayflow.trainer.pg.SegmentLineage;
import io.replayflow.trainer.publish.PublishException;
import io.replayflow.trainer.r2d2.RecurrentQLearner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment run of a {@link ContinuousTrainer} ({@code trainer.algo} a2c, reinforce, impala, or
 * r2d2's recurrent Q-network), on the trainer's thread:
 *
 * <ol>
 *   <li>opens the segment dataset ({@code replay.dataset.kind=segments}) through {@link
 *       SegmentDataset}, for REINFORCE joined into whole episodes by {@link EpisodeAssembler}; the
 *       window's version bound follows the last published version;
 *   <li>waits for the first batch (its observation width sizes the network), builds the {@link
 *       PolicyGradientLearner} (r2d2: {@link RecurrentQLearner}) and resumes from the newest
 *       checkpoint, if any;
 *   <li>steps {@link PolicyGradientLoop} whenever {@code trainer.batch-size} segments are ready;
 *       every {@code publish-every} steps exports a stochastic version and publishes it, every
 *       {@code trainer.checkpoint.period} steps and on stop writes a checkpoint (no reader state:
 *       segments are read once, a restarted learner does not replay them).
 * </ol>
 *
 * <pre>{@code
 * new PolicyGradientRun(config, config.policyGradient().orElseThrow(), clock,
 *         () -> stopRequested, targets.lastPublished(), listener)
 *     .run(root, checkpoints, targets);   // returns once stopRequested reads true
 * }</pre>
 *
 * Progress goes to a {@link Listener} (the trainer's status). Not thread-safe: one run per thread.
 */
final class PolicyGradientRun {

    /** What a run reports, on its own thread. */
    interface Listener {
        /** The learner is built (and restored): training starts at {@code step}. */
        void training(long step);

        /** One gradient step, with its metrics by {@link TrainerMetrics} name. */
        void stepped(PgStepMetrics m, Map<String, Double> scalars, long samplesSeen);

        /**
         * Version {@code version} was exported; {@code publishError} is "" unless its publish
         * failed.
         */
        void published(long version, String publishError);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PolicyGradientRun.class);

    /** Sleep while no segment batch is ready; the dataset lists itself at most every 200 ms. */
    private static final long IDLE_MS = 20;

    /** REINFORCE: segments the episode assembler asks for per poll. */
    private static final int EPISODE_SEGMENTS_PER_POLL = 8;

    /** REINFORCE: idle polls (about 10 s at {@link #IDLE_MS}) before an episode counts as cut. */
    private static final int EPISODE_PATIENCE = 500;

    private final ContinuousTrainerConfig config;
    private final SegmentConfig pg;
    private final InstantSource clock;
    private final BooleanSupplier stopRequested;
    private final Listener listener;
    private volatile long lastPublished; // read by the segment window's version bound
    private float lastLoss = Float.NaN;

    /**
     * @param lastPublished the newest version already published under the policy's name
     */
    PolicyGradientRun(
            ContinuousTrainerConfig config,
            SegmentConfig pg,
            InstantSource clock,
            BooleanSupplier stopRequested,
            long lastPublished,
            Listener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.pg = Objects.requireNonNull(pg, "pg");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stopRequested = Objects.requireNonNull(stopRequested, "stopRequested");
        this.lastPublished = lastPublished;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Trains until a stop is requested; the last checkpoint is written before it returns. */
    void run(Path root, CheckpointStore checkpoints, PublishTargets out)
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
            try (SegmentLearner learner = learner(spec, batch.length());
                    EventFileWriter events = new EventFileWriter(tensorboard)) {
                learner.restoreLatest(checkpoints);
                SegmentSource replayFirst = replayingFirst(counted, batch);
                PolicyGradientLoop loop =
                        new PolicyGradientLoop(
                                learner, replayFirst, null, events, () -> lastPublished, clock);
                train(learner, loop, checkpoints, lineage, events, root, out);
            }
        }
    }

    /** R2D2's recurrent Q learner, or the actor-critic learner of the policy-gradient family. */
    private SegmentLearner learner(TransitionSpec spec, int segmentLength) {
        return pg.trainer().algo() == Algo.R2D2
                ? RecurrentQLearner.create(pg, spec, segmentLength)
                : PolicyGradientLearner.create(pg, spec, segmentLength);
    }

    private void train(
            SegmentLearner learner,
            PolicyGradientLoop loop,
            CheckpointStore checkpoints,
            SegmentLineage lineage,
            EventFileWriter events,
            Path root,
            PublishTargets out)
            throws IOException, InterruptedException {
        PolicyExporter exporter = new PolicyExporter(root, clock);
        listener.training(learner.globalStep());
        long checkpointEvery = pg.trainer().checkpointPeriod();
        while (!stopRequested.getAsBoolean()) {
            Optional<PgStepMetrics> m = loop.poll();
            if (m.isEmpty()) {
                Thread.sleep(IDLE_MS);
                continue;
            }
            lastLoss = m.get().totalLoss();
            listener.stepped(m.get(), loop.lastScalars(), learner.samplesSeen());
            long s = m.get().step();
            if (s % config.publishEvery() == 0) {
                publish(learner, lineage, exporter, events, out);
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

    /** Polls until one batch is ready (null: stopped first); the batch is stepped on first. */
    private SegmentBatch awaitFirstBatch(SegmentSource source, int batchSize)
            throws InterruptedException {
        while (!stopRequested.getAsBoolean()) {
            Optional<SegmentBatch> batch = source.next(batchSize);
            if (batch.isPresent()) {
                LOG.info(
                        "first segment batch ({} x {} steps, obs width {}): training starts",
                        batch.get().size(),
                        batch.get().length(),
                        batch.get().obsDim());
                return batch.get();
            }
            Thread.sleep(IDLE_MS);
        }
        return null;
    }

    private void publish(
            SegmentLearner learner,
            SegmentLineage lineage,
            PolicyExporter exporter,
            EventFileWriter events,
            PublishTargets out)
            throws IOException {
        String policy = pg.trainer().policyName();
        PolicyArtifact artifact =
                exporter.export(learner.snapshot(policy, lineage.lineage()), lastPublished);
        lastPublished = artifact.version();
        LOG.info(
                "exported {} version {} at step {}",
                policy,
                artifact.version(),
                learner.globalStep());
        events.scalar(TrainerMetrics.POLICY_VERSION, artifact.version(), learner.globalStep());
        events.flush();
        String error = "";
        if (out.policies() != null) {
            try {
                out.policies()
                        .publish(
                                artifact.toPolicyVersion(
                                        Map.of(TrainerMetrics.LOSS_TOTAL, (double) lastLoss)));
            } catch (PublishException e) {
                LOG.warn("{}; training goes on", e.getMessage());
                error = e.getMessage();
            }
        }
        listener.published(artifact.version(), error);
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
