package io.replayflow.trainer.data;

import io.replayflow.replay.priority.Priorities;
import io.replayflow.replay.read.ReplayBatch;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.replay.read.SamplerSpec;
import io.replayflow.replay.sample.BetaSchedule;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.SeededRandom;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.publish.PriorityUpdatePublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches sampled from Parquet through replay-store's reader ({@link ReplayDataset}): a replay
 * dataset written by the replay-store job, or the experience log written by ingest.
 *
 * <pre>{@code
 * ReplayReadOptions options = ReplayDatasetSource.readOptions(config, selection, startStep).build();
 * try (ReplayDataset dataset = ReplayDataset.openReplay(dataRoot, "default", options)) {
 *     ReplayDatasetSource source = ReplayDatasetSource.builder(dataset, config)
 *             .numActions(2)
 *             .selection(selection)
 *             .startStep(startStep)
 *             .publishPriorities(priorityPublisher, () -> lastPublishedVersion)
 *             .build();
 *     trainer.step(source);
 * }
 * }</pre>
 *
 * <h2>Targets</h2>
 *
 * From a <b>replay dataset</b> the job's n-step columns are used as stored (replay-store's {@code
 * NStepTargets}, with its {@code replay.n-step} and {@code replay.gamma}; {@code trainer.gamma} and
 * {@code trainer.n-step} play no part):
 *
 * <pre>
 *   return   = n_step_return                  G_t = sum_{i<k} gamma^i r_{t+i},  k = min(n, T - t)
 *   next_obs = bootstrap_obs                  next_obs of step t + k - 1
 *   discount = bootstrap_cut ? 0 : gamma^k    bootstrap_discount is stored as gamma^k; the cut is
 *                                             set when the window reaches a terminated step
 * </pre>
 *
 * A truncated episode and an episode flushed open still bootstrap (with a shorter k). From the
 * <b>experience log</b> (raw transitions, no n-step columns) with {@code trainer.n-step=1} the
 * targets are 1-step, with {@code trainer.gamma}:
 *
 * <pre>
 *   return = reward,  next_obs = next_obs,  discount = terminated ? 0 : gamma   (truncated bootstraps)
 * </pre>
 *
 * With {@code trainer.n-step} n > 1 the experience log's live rows get the same n-step columns in
 * memory ({@link LogNStepTargets}: the replay job's {@code EpisodeEnrichment} over the rows the
 * selection kept, with {@code trainer.gamma}), so the mapping above for a replay dataset applies; a
 * target never reaches across a gap in an episode's kept steps or past the selection (it bootstraps
 * there, as at a truncation). A replay dataset's stored columns always win: there {@code
 * trainer.n-step} plays no part.
 *
 * <h2>Images</h2>
 *
 * A dataset of uint8 image rows ({@link ReplayDataset#images()}, e.g. MinAtar) fills the batch's
 * {@code obsBytes} and {@code nextObsBytes} (the bootstrap image for n-step targets) byte for byte;
 * the network casts and scales them in the graph. The dataset knows only the byte count, so the
 * shape comes from {@link Builder#imageShape}, or else from the env table (schemas {@code
 * EnvSpecs}) for the selection's env or the envs of the loaded rows, which must agree.
 *
 * <h2>Priorities</h2>
 *
 * With {@code trainer.sampler=prioritized} (and a dataset opened with the matching {@link
 * #readOptions}), {@link #onTdErrors} sets each sampled row's priority to {@code |td| + epsilon} in
 * the dataset; with a {@link PriorityUpdatePublisher} attached it also sends one {@code
 * PriorityUpdate} per sampled row (built by {@link ReplayDataset#priorityUpdate}), one batch per
 * step, so the replay-store job persists them for the next reader.
 *
 * <h2>Empty data</h2>
 *
 * Without a samples-per-insert limiter, {@link #fill} on a dataset with no live row throws {@link
 * NoTransitionsException} naming the dataset and the filters. With a limiter it waits, refreshing,
 * for at most the fill timeout (default 1 minute) and then throws; a cancel condition ends the wait
 * early with a {@link CancellationException}.
 *
 * <h2>Lineage and checkpoints</h2>
 *
 * {@link #lineage()} names the dataset URI, the event-time range and the behaviour policy versions
 * of the rows sampled so far, and the dataset's size (live plus pending rows) at the time of the
 * call. The reader does not expose its sampler's random state, so a checkpoint records the sampler
 * seed and the batches drawn, and a resumed run opens the dataset with a seed derived from the
 * trainer seed and the step it resumes at ({@link #samplerSeed}): deterministic, and not a replay
 * of the batches the first run drew. Prioritized sampling resumes the beta schedule where it was.
 *
 * <p>Not thread-safe; owned by the training thread, like the dataset.
 */
public final class ReplayDatasetSource implements BatchSource {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayDatasetSource.class);

    static final String SEED_STATE = "replay.sampler-seed";
    static final String BATCHES_STATE = "replay.batches-drawn";

    private static final Duration WAIT_SLICE = Duration.ofSeconds(1);

    private final ReplayDataset dataset;
    private final TransitionSpec spec;
    private final boolean nStep;
    private final LogNStepTargets logTargets;
    private final float gamma;
    private final boolean prioritized;
    private final double epsilon;
    private final DataSelection selection;
    private final long samplerSeed;
    private final Duration fillTimeout;
    private final BooleanSupplier cancelled;
    private final PriorityUpdatePublisher publisher;
    private final LongSupplier policyVersion;
    private final ObsNoise noise;

    private ReplayBatch replayBatch;
    private double[] priorities;
    private PriorityUpdate[] updates;
    private long batchesDrawn;
    private long minEventTimeMs = Long.MAX_VALUE;
    private long maxEventTimeMs = Long.MIN_VALUE;
    private long[] versions = new long[4];
    private int versionCount;

    private ReplayDatasetSource(Builder b) {
        this.dataset = b.dataset;
        this.selection = b.selection;
        this.gamma = (float) b.config.gamma();
        this.prioritized = b.config.prioritized();
        this.epsilon = b.config.priorityEpsilon();
        this.samplerSeed = samplerSeed(b.config, b.startStep);
        this.fillTimeout = b.fillTimeout;
        this.cancelled = b.cancelled;
        this.publisher = b.publisher;
        this.policyVersion = b.policyVersion;
        if (dataset.obsDim() < 0 || (dataset.limiter().isEmpty() && dataset.liveRows() == 0)) {
            throw new NoTransitionsException(emptyMessage());
        }
        this.logTargets =
                !dataset.isEnriched() && b.config.nStep() > 1
                        ? new LogNStepTargets(dataset, b.config.nStep(), b.config.gamma())
                        : null;
        this.nStep = dataset.isEnriched() || logTargets != null;
        if (b.numActions < 2) {
            throw new IllegalArgumentException(
                    "trainer.num-actions is "
                            + b.numActions
                            + ": a discrete action space needs >= 2 (CartPole-v1 has 2)");
        }
        this.spec =
                dataset.images()
                        ? new TransitionSpec(
                                imageShape(dataset, selection, b.imageShape),
                                TransitionSpec.ObsType.UINT8,
                                b.numActions)
                        : TransitionSpec.vector(dataset.obsDim(), b.numActions);
        this.noise = noise(b.config, b.startStep);
        LOG.info(
                "training on {} ({} rows, obs {} {}, {} actions): {} targets, {} sampling, {}",
                dataset.uri(),
                dataset.liveRows() + dataset.pendingRows(),
                spec.obsType(),
                spec.obsShape(),
                b.numActions,
                dataset.isEnriched()
                        ? "the dataset's n-step"
                        : logTargets != null
                                ? b.config.nStep() + "-step (from the log, gamma " + gamma + ")"
                                : "1-step (gamma " + gamma + ")",
                prioritized ? "prioritized" : "uniform",
                selection.describe());
    }

    /**
     * {@code trainer.augment.obs-noise}: the per-feature scale from the rows live now, the
     * generator seeded by the trainer seed and the step this run starts at (like the sampler, a
     * resumed run is deterministic, not a replay of the first run's noise); null when off.
     */
    private ObsNoise noise(TrainerConfig config, long startStep) {
        if (config.obsNoise() == 0) {
            return null;
        }
        if (spec.obsType() != TransitionSpec.ObsType.FLOAT32) {
            throw new IllegalArgumentException(
                    "trainer.augment.obs-noise="
                            + config.obsNoise()
                            + " applies to float observations, but "
                            + dataset.uri()
                            + " holds uint8 images: remove the key");
        }
        if (dataset.liveRows() == 0) {
            throw new IllegalArgumentException(
                    "trainer.augment.obs-noise="
                            + config.obsNoise()
                            + " scales its noise by the data's per-feature standard deviation,"
                            + " but no row of "
                            + dataset.uri()
                            + " is live yet: start training once rows are committed, or remove"
                            + " the key");
        }
        double[] std = ObsNoise.featureStd(dataset.liveObs(), dataset.liveRows(), spec.obsSize());
        LOG.info(
                "observation noise {} x per-feature std {}",
                config.obsNoise(),
                Arrays.toString(std));
        return new ObsNoise(
                config.obsNoise(),
                std,
                SeededRandom.derive(config.seed() ^ ObsNoise.STREAM, startStep));
    }

    /**
     * The shape of an image dataset's observations: {@code given}, or the env table's shape for the
     * selection's env or else the loaded rows' envs; its product must be the dataset's byte count.
     */
    private static List<Integer> imageShape(
            ReplayDataset dataset, DataSelection selection, List<Integer> given) {
        List<Integer> shape = given;
        if (shape == null) {
            Set<String> envs = selection.env().map(Set::of).orElseGet(dataset::envIds);
            for (String env : envs) {
                List<Integer> envShape =
                        EnvSpecs.builtIn(env)
                                .map(EnvSpec::observationShape)
                                .orElseThrow(
                                        () ->
                                                new IllegalArgumentException(
                                                        dataset.uri()
                                                                + " holds uint8 images of env "
                                                                + env
                                                                + ", which is not in the built-in"
                                                                + " env table, so their shape is"
                                                                + " unknown: train a built-in image"
                                                                + " env such as"
                                                                + " MinAtar/Breakout-v1, or give"
                                                                + " the shape"
                                                                + " (ReplayDatasetSource.Builder"
                                                                + ".imageShape)"));
                if (shape != null && !shape.equals(envShape)) {
                    throw new IllegalArgumentException(
                            dataset.uri()
                                    + " holds images of envs "
                                    + envs
                                    + " with different shapes ("
                                    + shape
                                    + ", "
                                    + envShape
                                    + "): select one env (--env)");
                }
                shape = envShape;
            }
        }
        int size = shape == null ? 0 : shape.stream().reduce(1, Math::multiplyExact);
        if (size != dataset.obsDim()) {
            throw new IllegalArgumentException(
                    dataset.uri()
                            + " holds images of "
                            + dataset.obsDim()
                            + " bytes, but the shape "
                            + shape
                            + " has "
                            + size
                            + ": select the env the images belong to (--env)");
        }
        return shape;
    }

    /** A builder over an opened dataset; {@code config} gives gamma, n-step, sampler, epsilon. */
    public static Builder builder(ReplayDataset dataset, TrainerConfig config) {
        return new Builder(dataset, config);
    }

    /**
     * Reader options matching {@code config}: the selection's filters, the sampler ({@code
     * trainer.sampler}, {@code trainer.priority.*} with the beta schedule continued from {@code
     * startStep}) and the seed {@link #samplerSeed}. Add a limiter before {@code build()} if
     * wanted.
     */
    public static ReplayReadOptions.Builder readOptions(
            TrainerConfig config, DataSelection selection, long startStep) {
        ReplayReadOptions.Builder options =
                ReplayReadOptions.builder().seed(samplerSeed(config, startStep));
        if (config.prioritized()) {
            // One batch per step: the schedule resumes exactly where the checkpointed run was.
            BetaSchedule full = new BetaSchedule(config.priorityBeta0(), config.betaAnnealSteps());
            options.sampler(SamplerSpec.prioritized(config.priorityAlpha(), full, startStep));
        } else {
            options.sampler(SamplerSpec.uniform());
        }
        return selection.applyTo(options);
    }

    /** The reader's sampler seed for a run of {@code config} starting at {@code startStep}. */
    public static long samplerSeed(TrainerConfig config, long startStep) {
        return SeededRandom.derive(config.seed() ^ 0x5245_504C_4159L, startStep).nextLong();
    }

    @Override
    public TransitionSpec spec() {
        return spec;
    }

    /** The dataset this source samples from. */
    public ReplayDataset dataset() {
        return dataset;
    }

    /**
     * Whether the targets are n-step: a replay dataset's columns, or computed from the experience
     * log for {@code trainer.n-step > 1}.
     */
    public boolean nStepTargets() {
        return nStep;
    }

    @Override
    public void fill(TrainingBatch batch) {
        int n = batch.size();
        if (replayBatch == null || replayBatch.size() != n) {
            replayBatch = dataset.newBatch(n);
            priorities = new double[n];
            updates = new PriorityUpdate[n];
        }
        draw();
        batchesDrawn++;
        copy(replayBatch, batch);
        if (noise != null) {
            noise.apply(batch);
        }
        observe(replayBatch);
    }

    private void draw() {
        if (dataset.limiter().isEmpty()) {
            if (dataset.liveRows() == 0) {
                throw new NoTransitionsException(emptyMessage());
            }
            dataset.sample(replayBatch);
            return;
        }
        long deadline = System.nanoTime() + fillTimeout.toNanos();
        Duration slice = fillTimeout.compareTo(WAIT_SLICE) < 0 ? fillTimeout : WAIT_SLICE;
        try {
            while (!dataset.sample(replayBatch, slice)) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException(
                            "stopped while waiting for rows of " + dataset.uri());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new NoTransitionsException(
                            dataset.liveRows() + dataset.pendingRows() == 0
                                    ? emptyMessage()
                                    : limiterMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "refreshing " + dataset.uri() + " while waiting for rows failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException(
                    "interrupted while waiting for rows of " + dataset.uri());
        }
    }

    /** Maps the reader's columns onto the trainer's: the mapping in the class comment. */
    private void copy(ReplayBatch from, TrainingBatch to) {
        int n = to.size();
        int d = from.obsDim();
        int[] actions = from.action();
        for (int j = 0; j < n; j++) {
            if (actions[j] < 0 || actions[j] >= spec.numActions()) {
                throw new IllegalStateException(
                        "transition "
                                + dataset.transitionId(from.rowIds()[j])
                                + " of "
                                + dataset.uri()
                                + " has action "
                                + actions[j]
                                + ", outside [0, "
                                + spec.numActions()
                                + "): set trainer.num-actions to the env's action count");
            }
        }
        boolean images = from.images();
        if (images) {
            System.arraycopy(from.obsBytes(), 0, to.obsBytes(), 0, n * d);
        } else {
            System.arraycopy(from.obs(), 0, to.obs(), 0, n * d);
        }
        System.arraycopy(actions, 0, to.actions(), 0, n);
        float[] discounts = to.bootstrapDiscounts();
        if (logTargets != null) {
            logTargets.apply(from, to);
        } else if (nStep) {
            System.arraycopy(from.nStepReturn(), 0, to.nStepReturns(), 0, n);
            if (images) {
                System.arraycopy(from.bootstrapObsBytes(), 0, to.nextObsBytes(), 0, n * d);
            } else {
                System.arraycopy(from.bootstrapObs(), 0, to.nextObs(), 0, n * d);
            }
            float[] stored = from.bootstrapDiscount();
            boolean[] cut = from.bootstrapCut();
            for (int j = 0; j < n; j++) {
                discounts[j] = cut[j] ? 0f : stored[j];
            }
        } else {
            System.arraycopy(from.reward(), 0, to.nStepReturns(), 0, n);
            if (images) {
                System.arraycopy(from.nextObsBytes(), 0, to.nextObsBytes(), 0, n * d);
            } else {
                System.arraycopy(from.nextObs(), 0, to.nextObs(), 0, n * d);
            }
            boolean[] terminated = from.terminated();
            for (int j = 0; j < n; j++) {
                discounts[j] = terminated[j] ? 0f : gamma;
            }
        }
        System.arraycopy(from.weights(), 0, to.weights(), 0, n);
        System.arraycopy(from.rowIds(), 0, to.rowIds(), 0, n);
    }

    private void observe(ReplayBatch b) {
        long[] times = b.eventTimeMs();
        long[] policies = b.policyVersion();
        for (int j = 0; j < b.size(); j++) {
            minEventTimeMs = Math.min(minEventTimeMs, times[j]);
            maxEventTimeMs = Math.max(maxEventTimeMs, times[j]);
            addVersion(policies[j]);
        }
    }

    private void addVersion(long version) {
        int at = Arrays.binarySearch(versions, 0, versionCount, version);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        if (versionCount == versions.length) {
            versions = Arrays.copyOf(versions, versionCount * 2);
        }
        System.arraycopy(versions, insert, versions, insert + 1, versionCount - insert);
        versions[insert] = version;
        versionCount++;
    }

    @Override
    public boolean wantsTdErrors() {
        return prioritized || publisher != null;
    }

    @Override
    public void onTdErrors(TrainingBatch batch, float[] tdErrors, long trainerStep) {
        int n = batch.size();
        int[] rows = batch.rowIds();
        for (int j = 0; j < n; j++) {
            if (!Float.isFinite(tdErrors[j])) {
                throw new IllegalStateException(
                        "TD error "
                                + tdErrors[j]
                                + " at step "
                                + trainerStep
                                + ": the loss diverged; lower trainer.lr, keep"
                                + " trainer.grad-clip-norm > 0, or use trainer.loss=huber");
            }
            priorities[j] = Priorities.fromTdError(tdErrors[j], epsilon);
        }
        if (prioritized) {
            dataset.updatePriorities(rows, priorities, n);
        }
        if (publisher != null) {
            long version = policyVersion.getAsLong();
            for (int j = 0; j < n; j++) {
                updates[j] =
                        dataset.priorityUpdate(
                                rows[j], priorities[j], tdErrors[j], version, trainerStep);
            }
            publisher.send(updates, n);
        }
    }

    /** Picks up newly committed files and drops expired partitions. */
    @Override
    public void refresh() {
        try {
            dataset.refresh();
        } catch (IOException e) {
            throw new UncheckedIOException("refreshing " + dataset.uri() + " failed", e);
        }
        if (logTargets != null) {
            logTargets.rebuildIfChanged();
        }
    }

    @Override
    public PolicyManifest.Lineage lineage() {
        boolean seen = minEventTimeMs <= maxEventTimeMs;
        return new PolicyManifest.Lineage(
                List.of(dataset.uri().toString()),
                seen ? minEventTimeMs : null,
                seen ? maxEventTimeMs : null,
                dataset.liveRows() + dataset.pendingRows(),
                Arrays.stream(versions, 0, versionCount).boxed().toList());
    }

    @Override
    public Map<String, String> checkpointState() {
        return Map.of(
                SEED_STATE, Long.toString(samplerSeed),
                BATCHES_STATE, Long.toString(batchesDrawn));
    }

    /**
     * Nothing to restore into the reader (its sampler state is not exposed); the resumed run's seed
     * comes from {@link #samplerSeed} with the resumed step.
     */
    @Override
    public void restoreState(Map<String, String> state) {
        LOG.debug(
                "previous run sampled with seed {} ({} batches); this one with seed {}",
                state.get(SEED_STATE),
                state.get(BATCHES_STATE),
                samplerSeed);
    }

    private String emptyMessage() {
        return emptyMessage(dataset.uri(), selection);
    }

    /** The message of a {@link NoTransitionsException} for an empty selection of a dataset. */
    public static String emptyMessage(URI dataset, DataSelection selection) {
        return "no committed transitions under "
                + dataset
                + " matching "
                + selection.describe()
                + ": is ingest running / is the date range right?";
    }

    private String limiterMessage() {
        return "no batch from "
                + dataset.uri()
                + " ("
                + selection.describe()
                + ") within "
                + fillTimeout
                + ": the samples-per-insert limiter holds sampling until new rows arrive ("
                + dataset.liveRows()
                + " live, "
                + dataset.pendingRows()
                + " pending): are the actors, ingest and replay-store running?";
    }

    /** Settings of a {@link ReplayDatasetSource}. */
    public static final class Builder {
        private final ReplayDataset dataset;
        private final TrainerConfig config;
        private int numActions;
        private DataSelection selection = DataSelection.all();
        private long startStep;
        private Duration fillTimeout = Duration.ofMinutes(1);
        private BooleanSupplier cancelled = () -> false;
        private PriorityUpdatePublisher publisher;
        private LongSupplier policyVersion = () -> 0L;
        private List<Integer> imageShape;

        private Builder(ReplayDataset dataset, TrainerConfig config) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            this.config = Objects.requireNonNull(config, "config");
            this.numActions = config.numActions();
        }

        /** The env's number of actions (default {@code trainer.num-actions}). */
        public Builder numActions(int numActions) {
            this.numActions = numActions;
            return this;
        }

        /**
         * The shape of an image dataset's observations, e.g. {@code [10, 10, 4]}, when the env
         * table does not know the env (default: the env table's).
         */
        public Builder imageShape(List<Integer> imageShape) {
            this.imageShape = List.copyOf(imageShape);
            return this;
        }

        /** The filters the dataset was opened with, for messages. */
        public Builder selection(DataSelection selection) {
            this.selection = Objects.requireNonNull(selection, "selection");
            return this;
        }

        /** The global step the run starts at (0, or the resumed checkpoint's step). */
        public Builder startStep(long startStep) {
            this.startStep = startStep;
            return this;
        }

        /** How long {@link #fill} waits for a limiter to allow a batch before giving up. */
        public Builder fillTimeout(Duration fillTimeout) {
            if (fillTimeout.isNegative() || fillTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "fill timeout " + fillTimeout + " must be positive, e.g. PT1M");
            }
            this.fillTimeout = fillTimeout;
            return this;
        }

        /** Ends a limiter wait early (checked about every second). */
        public Builder cancelWhen(BooleanSupplier cancelled) {
            this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
            return this;
        }

        /**
         * Also sends every batch's new priorities to {@code rf.priorities}, tagged with the policy
         * version {@code policyVersion} returns at the time.
         */
        public Builder publishPriorities(
                PriorityUpdatePublisher publisher, LongSupplier policyVersion) {
            this.publisher = Objects.requireNonNull(publisher, "publisher");
            this.policyVersion = Objects.requireNonNull(policyVersion, "policyVersion");
            return this;
        }

        /**
         * @throws NoTransitionsException if the dataset has no row to train on
         * @throws IllegalArgumentException for fewer than 2 actions
         */
        public ReplayDatasetSource build() {
            return new ReplayDatasetSource(this);
        }
    }
}
