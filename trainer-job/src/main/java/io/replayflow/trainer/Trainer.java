package io.replayflow.trainer;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.algo.AuxNetwork;
import io.replayflow.trainer.algo.BcqLoss;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.checkpoint.SettingChange;
import io.replayflow.trainer.checkpoint.TrainerState;
import io.replayflow.trainer.data.BatchSource;
import io.replayflow.trainer.data.TrainingBatch;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.export.PolicySnapshot;
import io.replayflow.trainer.graph.DevicePlacement;
import io.replayflow.trainer.graph.PartialRestore;
import io.replayflow.trainer.graph.SessionFactory;
import io.replayflow.trainer.graph.TrainingGraph;
import io.replayflow.trainer.net.WeightInit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Trains a Q-network on batches from a {@link BatchSource}: one {@link #step} is one gradient
 * update, one {@code Session.run} feeding the batch's reused tensors.
 *
 * <pre>{@code
 * TrainerConfig config = TrainerConfig.fromMap(Map.of("trainer.algo", "cql"));
 * BatchSource source = ArrayBatchSource.of(columns, config);
 * try (Trainer trainer = Trainer.create(config, source.spec())) {
 *     CheckpointStore checkpoints = new CheckpointStore(root.resolve("checkpoints/cartpole"), 3);
 *     trainer.restoreLatest(checkpoints, source);       // continue where a previous run stopped
 *     while (trainer.globalStep() < config.steps()) {
 *         StepMetrics m = trainer.step(source);
 *     }
 *     trainer.saveCheckpoint(checkpoints, source);
 *     PolicyArtifact artifact = trainer.export(new PolicyExporter(root, InstantSource.system()),
 *             source.lineage(), lastPublishedVersion);
 * }
 * }</pre>
 *
 * <p>The target network is updated after every step whose number is a multiple of {@code
 * trainer.target.update-period}, counted on the global step, so a resumed trainer keeps the
 * schedule. Not thread-safe; owned by one thread.
 */
public final class Trainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Seed streams of the extra networks' initial weights (the online network uses the seed). */
    private static final long AUX_SEED_STREAM = 0x41_5558L;

    private final TrainerConfig config;
    private final TransitionSpec spec;
    private final Graph graph;
    private final TrainingGraph g;
    private final Session session;
    private final TrainingBatch batch;
    private final float[] tdErrors;
    private final float[] metrics = new float[5];

    private long globalStep;
    private long lastTargetUpdateStep;
    private long samplesSeen;
    private List<SettingChange> changedOnResume = List.of();
    private Map<String, Set<String>> devicePlacement;

    private Trainer(TrainerConfig config, TransitionSpec spec, Graph graph, TrainingGraph g) {
        this.config = config;
        this.spec = spec;
        this.graph = graph;
        this.g = g;
        this.session = SessionFactory.open(graph, config.intraOpThreads(), config.interOpThreads());
        this.batch = new TrainingBatch(spec, config.batchSize());
        this.tdErrors = new float[config.batchSize()];
    }

    /**
     * Builds the graph, initialises the online network from {@code trainer.seed} and copies it to
     * the target network.
     */
    public static Trainer create(TrainerConfig config, TransitionSpec spec) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(spec, "spec");
        Graph graph = new Graph();
        try {
            TrainingGraph g = TrainingGraph.build(graph, config, spec);
            Trainer trainer = new Trainer(config, spec, graph, g);
            try {
                trainer.initialize();
            } catch (RuntimeException e) {
                trainer.close();
                throw e;
            }
            return trainer;
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    private void initialize() {
        session.initialize();
        setOnlineWeights(WeightInit.fanInUniform(g.online(), config.seed()));
        List<float[]> auxWeights = new ArrayList<>();
        long stream = 1;
        for (AuxNetwork net : g.aux().values()) {
            long seed = SeededRandom.derive(config.seed(), AUX_SEED_STREAM + stream++).nextLong();
            auxWeights.addAll(WeightInit.fanInUniform(net.online(), seed));
        }
        if (!auxWeights.isEmpty()) {
            setAuxWeights(auxWeights);
        }
        session.run(g.copyTarget());
        LOG.info(
                "trainer ready: algo={} network={} obs={} actions={} batch={} lr={} threads={}/{}",
                config.algo(),
                config.onlineNetworkSpec().describe(),
                spec.obsShape(),
                spec.numActions(),
                config.batchSize(),
                config.lr(),
                config.intraOpThreads(),
                config.interOpThreads());
    }

    /**
     * One gradient step on a batch drawn from {@code source}; updates the target network when the
     * new step is a multiple of the update period, and hands TD errors back to the source when it
     * wants them.
     */
    public StepMetrics step(BatchSource source) {
        source.fill(batch);
        batch.commit();
        long next = globalStep + 1;
        boolean updateTarget = next % config.targetUpdatePeriod() == 0;
        boolean wantTd = source.wantsTdErrors();
        Session.Runner run =
                session.runner()
                        .feed(g.obs(), batch.obsTensor())
                        .feed(g.action(), batch.actionTensor())
                        .feed(g.nStepReturn(), batch.returnTensor())
                        .feed(g.bootstrapDiscount(), batch.discountTensor())
                        .feed(g.nextObs(), batch.nextObsTensor())
                        .feed(g.weight(), batch.weightTensor())
                        .fetch(g.metrics())
                        .addTarget(updateTarget ? g.trainAndUpdateTarget() : g.train());
        if (wantTd) {
            run.fetch(g.tdError());
        }
        boolean trace = devicePlacement == null;
        if (trace) {
            run.setOptions(DevicePlacement.traceOptions());
        }
        float[] m = metrics;
        float meanAbsTd = Float.NaN;
        try (Result result = trace ? run.runAndFetchMetadata() : run.run()) {
            ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(m);
            if (wantTd) {
                ((TFloat32) result.get(1)).asRawTensor().data().asFloats().read(tdErrors);
                meanAbsTd = meanAbs(tdErrors);
            }
            if (trace) {
                devicePlacement =
                        result.getMetadata().map(DevicePlacement::byOpType).orElse(Map.of());
                LOG.info("op placement:\n{}", DevicePlacement.describe(devicePlacement));
            }
        }
        globalStep = next;
        samplesSeen += batch.size();
        if (updateTarget) {
            lastTargetUpdateStep = next;
        }
        if (wantTd) {
            source.onTdErrors(batch, tdErrors, globalStep);
        }
        return new StepMetrics(
                globalStep,
                m[TrainingGraph.TOTAL],
                m[TrainingGraph.TD],
                m[TrainingGraph.CONSERVATIVE],
                m[TrainingGraph.MEAN_Q],
                m[TrainingGraph.GRAD_NORM],
                meanAbsTd,
                updateTarget);
    }

    /**
     * The loss parts on one batch from {@code source} without training: no variable changes and the
     * step count stays (e.g. a validation loss). {@link StepMetrics#step()} is the current step;
     * the TD errors of the batch are available from {@link #lastTdErrors()}.
     */
    public StepMetrics evaluate(BatchSource source) {
        source.fill(batch);
        batch.commit();
        try (Result result =
                session.runner()
                        .feed(g.obs(), batch.obsTensor())
                        .feed(g.action(), batch.actionTensor())
                        .feed(g.nStepReturn(), batch.returnTensor())
                        .feed(g.bootstrapDiscount(), batch.discountTensor())
                        .feed(g.nextObs(), batch.nextObsTensor())
                        .feed(g.weight(), batch.weightTensor())
                        .fetch(g.metrics())
                        .fetch(g.tdError())
                        .run()) {
            ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(metrics);
            ((TFloat32) result.get(1)).asRawTensor().data().asFloats().read(tdErrors);
        }
        float[] m = metrics;
        return new StepMetrics(
                globalStep,
                m[TrainingGraph.TOTAL],
                m[TrainingGraph.TD],
                m[TrainingGraph.CONSERVATIVE],
                m[TrainingGraph.MEAN_Q],
                m[TrainingGraph.GRAD_NORM],
                meanAbs(tdErrors),
                false);
    }

    /**
     * The per-sample TD errors of the last batch for which they were fetched ({@link #evaluate}, or
     * {@link #step} with a source that wants them); a view, overwritten by the next call.
     */
    public float[] lastTdErrors() {
        return tdErrors;
    }

    private static float meanAbs(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += Math.abs(x);
        }
        return (float) (sum / v.length);
    }

    /** Gradient steps taken, across restarts. */
    public long globalStep() {
        return globalStep;
    }

    /** The step of the last target-network update (0: only the initial copy). */
    public long lastTargetUpdateStep() {
        return lastTargetUpdateStep;
    }

    /** Transitions consumed by gradient steps, across restarts. */
    public long samplesSeen() {
        return samplesSeen;
    }

    public TrainerConfig config() {
        return config;
    }

    public TransitionSpec spec() {
        return spec;
    }

    /** The graph (for inspection and tests). */
    public TrainingGraph graph() {
        return g;
    }

    /** Op type → devices, from the traced first step; empty before the first step. */
    public Map<String, Set<String>> devicePlacement() {
        return devicePlacement == null ? Map.of() : devicePlacement;
    }

    /**
     * {@code Q(obs, .)} of the exported network (the online one, or its moving average with {@code
     * trainer.policy.ema-decay}) for {@code count} observations laid out row-major in {@code obs};
     * returns {@code [count * numActions]}.
     */
    public float[] qValues(float[] obs, int count) {
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(spec.batchShape(count)));
                Result r = feedInference(in, obs).fetch(g.inferQ()).run()) {
            float[] q = new float[count * spec.numActions()];
            ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(q);
            return q;
        }
    }

    /**
     * Greedy actions of the exported network (see {@link #qValues}) for {@code count} observations.
     */
    public long[] greedyActions(float[] obs, int count) {
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(spec.batchShape(count)));
                Result r = feedInference(in, obs).fetch(g.inferAction()).run()) {
            long[] actions = new long[count];
            ((TInt64) r.get(0)).asRawTensor().data().asLongs().read(actions);
            return actions;
        }
    }

    private Session.Runner feedInference(TFloat32 in, float[] obs) {
        if (obs.length != in.shape().size()) {
            throw new IllegalArgumentException(
                    obs.length + " values do not make observations of shape " + in.shape());
        }
        in.asRawTensor().data().asFloats().write(obs);
        return session.runner().feed(g.inferObs(), in);
    }

    /** The online network's variables, in {@code QNetwork.variables()} order. */
    public List<float[]> onlineWeights() {
        return g.onlineIo().read(session);
    }

    /**
     * Sets the online network's variables (optimizer state is left as it is); with {@code
     * trainer.policy.ema-decay} the average restarts at the current weights.
     */
    public void setOnlineWeights(List<float[]> weights) {
        g.onlineIo().write(session, weights);
        g.copyAverage().ifPresent(session::run);
    }

    /**
     * The extra networks' variables (IQL's Q and V, BCQ's imitation network), in {@link
     * TrainingGraph#auxIo()} order; empty for the other algorithms.
     */
    public List<float[]> auxWeights() {
        return g.auxIo().read(session);
    }

    /**
     * Sets the extra networks' variables (tests with fixed weights); with {@code
     * trainer.policy.ema-decay} the average restarts at the current weights.
     */
    public void setAuxWeights(List<float[]> weights) {
        g.auxIo().write(session, weights);
        g.copyAverage().ifPresent(session::run);
    }

    /** Sets the extra networks' target copies. */
    public void setAuxTargetWeights(List<float[]> weights) {
        g.auxTargetIo().write(session, weights);
    }

    public List<float[]> targetWeights() {
        return g.targetIo().read(session);
    }

    public void setTargetWeights(List<float[]> weights) {
        g.targetIo().write(session, weights);
    }

    /**
     * Saves variables (networks, Adam slots, global step) and the trainer state (schedules,
     * counters, the source's RNG) as a new checkpoint in {@code store}.
     */
    public Path saveCheckpoint(CheckpointStore store, BatchSource source) throws IOException {
        TrainerState state =
                new TrainerState(
                        TrainerState.FORMAT_VERSION,
                        config.algo().id(),
                        config.onlineNetworkSpec().describe(),
                        spec.obsShape(),
                        spec.numActions(),
                        globalStep,
                        lastTargetUpdateStep,
                        samplesSeen,
                        source.checkpointState(),
                        config.toMap(),
                        System.currentTimeMillis());
        Path dir = store.save(session, state);
        LOG.info("checkpoint at step {}: {}", globalStep, dir);
        return dir;
    }

    /**
     * Restores the newest checkpoint in {@code store}, if there is one, into this trainer and
     * {@code source}.
     *
     * @return whether a checkpoint was restored
     * @throws IllegalStateException if the checkpoint is of another algorithm, network or spec
     */
    public boolean restoreLatest(CheckpointStore store, BatchSource source) throws IOException {
        Optional<Path> latest = store.latest();
        if (latest.isEmpty()) {
            return false;
        }
        restore(latest.get(), source);
        return true;
    }

    /** Restores the checkpoint in {@code dir}. */
    public void restore(Path dir, BatchSource source) throws IOException {
        TrainerState state = TrainerState.readFrom(dir);
        checkCompatible(state, dir);
        String prefix = CheckpointStore.variablesPrefix(dir).toString();
        boolean averageSaved =
                Double.parseDouble(
                                state.config()
                                        .getOrDefault(TrainerOptions.POLICY_EMA_DECAY.key(), "0"))
                        > 0;
        if (g.copyAverage().isPresent() && !averageSaved) {
            // Written without trainer.policy.ema-decay: restore the rest, start the average there.
            PartialRestore.restoreExcept(graph, session, prefix, g::isAverage);
            session.run(g.copyAverage().get());
            LOG.warn(
                    "checkpoint {} holds no moving average of the weights (it was written with"
                        + " trainer.policy.ema-decay=0 or by an older build); the average starts"
                        + " from its weights now",
                    dir);
        } else {
            session.restore(prefix);
        }
        long restoredStep;
        try (Result r = session.runner().fetch(g.globalStep()).run()) {
            restoredStep = ((TInt64) r.get(0)).getLong();
        }
        if (restoredStep != state.globalStep()) {
            throw new IllegalStateException(
                    "checkpoint "
                            + dir
                            + " is inconsistent: its variables are at step "
                            + restoredStep
                            + " but "
                            + TrainerState.FILE_NAME
                            + " says "
                            + state.globalStep());
        }
        globalStep = state.globalStep();
        lastTargetUpdateStep = state.lastTargetUpdateStep();
        samplesSeen = state.samplesSeen();
        source.restoreState(state.sourceState());
        changedOnResume = state.changedSettings(config.toMap(), TrainerOptions.RUN_KEYS);
        LOG.info("resumed from {} at step {}", dir, globalStep);
        if (!changedOnResume.isEmpty()) {
            LOG.warn(SettingChange.resumeWarning(dir, changedOnResume));
        }
    }

    /**
     * The learning settings this trainer was restored with that differ from its checkpoint's (empty
     * if it started fresh or continues unchanged): a resumed run changes, e.g., its n-step targets
     * when the algorithm's default changed between the build that wrote the checkpoint and this
     * one; the caller shows them to the user.
     */
    public List<SettingChange> changedOnResume() {
        return changedOnResume;
    }

    private void checkCompatible(TrainerState state, Path dir) {
        state.requireSameRun(
                dir,
                config.algo().id(),
                config.onlineNetworkSpec().describe(),
                spec.obsShape(),
                spec.numActions(),
                "trainer");
    }

    /**
     * The exported network ({@link #exportedWeights()}) and what produced it, ready for {@link
     * PolicyExporter}; for BCQ also the imitation network and threshold its action is filtered
     * with.
     */
    public PolicySnapshot snapshot(PolicyManifest.Lineage lineage) {
        PolicySnapshot snapshot =
                new PolicySnapshot(
                        config.policyName(),
                        config.algo(),
                        config.onlineNetworkSpec(),
                        spec,
                        exportedWeights(),
                        config.toMap(),
                        globalStep,
                        lineage);
        if (config.algo() != Algo.BCQ) {
            return snapshot;
        }
        // BCQ's only extra network is the imitation network, so auxWeights() is its variables.
        if (!g.aux().keySet().equals(Set.of(BcqLoss.IMITATION))) {
            throw new IllegalStateException("BCQ's extra networks are " + g.aux().keySet());
        }
        return snapshot.withActionFilter(
                new PolicySnapshot.ActionFilter(
                        g.auxExportIo().read(session), (float) config.bcqThreshold()));
    }

    /**
     * The weights a {@link #snapshot} exports, in {@link #onlineWeights()} order: the online
     * network's, or with {@code trainer.policy.ema-decay} their moving average.
     */
    public List<float[]> exportedWeights() {
        return g.exportIo().read(session);
    }

    /**
     * Exports the network of {@link #snapshot} as the next version of {@code trainer.policy.name}.
     */
    public PolicyArtifact export(
            PolicyExporter exporter, PolicyManifest.Lineage lineage, long lastPublished)
            throws IOException {
        PolicyArtifact artifact = exporter.export(snapshot(lineage), lastPublished);
        LOG.info(
                "exported {} version {} at step {}: {}",
                artifact.policyName(),
                artifact.version(),
                globalStep,
                artifact.dir());
        return artifact;
    }

    @Override
    public void close() {
        batch.close();
        session.close();
        graph.close();
    }
}
