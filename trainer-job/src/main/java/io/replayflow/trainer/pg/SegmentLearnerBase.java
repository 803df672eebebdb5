package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.trainer.TrainerOptions;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.checkpoint.SettingChange;
import io.replayflow.trainer.checkpoint.TrainerState;
import io.replayflow.trainer.graph.LstmInputs;
import io.replayflow.trainer.graph.SegmentGraph;
import io.replayflow.trainer.graph.SessionFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * What every {@link SegmentLearner} does the same way around its own loss: it owns the TensorFlow
 * graph ({@link SegmentGraph}) and its session, checks each batch, computes each segment's LSTM
 * start state from its burn-in prefix ({@link BurnInPrefixes}, {@link #initialState}), counts steps
 * and samples, and saves and restores checkpoints (variables and a {@link TrainerState}). A
 * subclass builds its graph, sets its initial weights, runs its step (forward pass, targets in
 * Java, training step) and writes its policy snapshot: {@link PolicyGradientLearner} (A2C,
 * REINFORCE, IMPALA) and {@code io.replayflow.trainer.r2d2.RecurrentQLearner} (R2D2).
 *
 * <p>Not thread-safe: owned by the learner's thread. Weights start from {@code trainer.seed}.
 *
 * @param <G> the learner's graph
 */
public abstract class SegmentLearnerBase<G extends SegmentGraph> implements SegmentLearner {

    /** Episodes whose last observations the burn-in keeps at once. */
    static final int BURN_IN_EPISODES = 4096;

    private final Logger log = LoggerFactory.getLogger(getClass());
    protected final SegmentConfig config;
    protected final TransitionSpec spec;
    protected final G g;
    protected final Session session;
    private final Graph graph;
    private final int unrollLength; // T of every batch; 0: any (feed-forward)
    private final BurnInPrefixes prefixes; // null: feed-forward, or no burn-in
    private long globalStep;
    private long samplesSeen;

    /**
     * Builds the graph with {@code build} and opens its session ({@code trainer.threads.*}); the
     * variables are not initialised yet ({@link #initialized}).
     *
     * @param segmentLength T of every segment batch, which an LSTM is unrolled over
     */
    protected SegmentLearnerBase(
            SegmentConfig config,
            TransitionSpec spec,
            int segmentLength,
            Function<Graph, G> build) {
        this.config = Objects.requireNonNull(config, "config");
        this.spec = Objects.requireNonNull(spec, "spec");
        var t = config.trainer();
        this.graph = new Graph();
        try {
            this.g = build.apply(graph);
            this.session = SessionFactory.open(graph, t.intraOpThreads(), t.interOpThreads());
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        this.unrollLength = config.recurrent() ? segmentLength : 0;
        this.prefixes =
                config.recurrent() && config.burnIn() > 0
                        ? new BurnInPrefixes(
                                config.burnIn(), segmentLength, spec.obsSize(), BURN_IN_EPISODES)
                        : null;
    }

    /**
     * {@code learner} with its variables initialised and its weights set from {@code trainer.seed}
     * ({@link #initializeWeights}); closed if that fails.
     */
    protected static <L extends SegmentLearnerBase<?>> L initialized(L learner) {
        try {
            learner.session.initialize();
            learner.initializeWeights(learner.config.trainer().seed());
            return learner;
        } catch (RuntimeException e) {
            learner.close();
            throw e;
        }
    }

    /** Sets the initial weights of every network from {@code seed}. */
    protected abstract void initializeWeights(long seed);

    /** Describes the network for {@link TrainerState#network()}; a checkpoint must match it. */
    protected abstract String network();

    /**
     * The LSTM start states at the beginning of every segment of {@code batch}, one per state input
     * of the graph ({@link LstmInputs#state()}: {@code h, c} per network, {@code [B * units]}
     * each): zeros, or, with a burn-in, each network run over the segment's prefix ({@link
     * BurnInPrefixes}) from zeros, without gradient. Takes the batch's own steps into the prefixes
     * kept for later segments of their episodes, so call it once per batch, in the order served.
     */
    protected final float[][] initialState(SegmentBatch batch) {
        LstmInputs lstm = g.lstm();
        float[][] s = new float[lstm.state().size()][batch.size() * config.lstmUnits()];
        if (prefixes == null) {
            return s;
        }
        BurnInPrefixes.Prefixes p = prefixes.next(batch);
        if (!p.any()) {
            return s;
        }
        long rows = (long) batch.size() * config.burnIn();
        try (TFloat32 obs = obsTensor(p.obs(), rows);
                TFloat32 mask = vector(p.mask());
                TFloat32 zero = stateTensor(s[0], batch.size())) {
            Session.Runner runner =
                    session.runner().feed(lstm.burnInObs(), obs).feed(lstm.burnInMask(), mask);
            lstm.state().forEach(input -> runner.feed(input, zero));
            fetchInto(runner, g.burnInState(), s);
        }
        return s;
    }

    /**
     * Refuses a batch this learner cannot train on, naming the problem: another segment length than
     * the LSTM's unroll, other observations than {@code spec}'s, a behaviour probability outside
     * {@code (0, 1]} or an action out of range on a valid step.
     */
    protected final void checkBatch(SegmentBatch batch) {
        if (unrollLength > 0 && batch.length() != unrollLength) {
            throw new IllegalArgumentException(
                    "segments of "
                            + batch.length()
                            + " steps, but the "
                            + config.trainer().algo().id()
                            + " learner's LSTM is unrolled over "
                            + unrollLength
                            + ": read segments of one length (replay.segment.length)");
        }
        if (batch.obsDim() != spec.obsSize()) {
            throw new IllegalArgumentException(
                    "segments carry observations of width "
                            + batch.obsDim()
                            + " but the learner was built for "
                            + spec.obsShape()
                            + ": train on the environment the segments came from");
        }
        for (int i = 0; i < batch.size() * batch.length(); i++) {
            if (batch.valid()[i] == 0f) {
                continue;
            }
            float mu = batch.behaviorProbs()[i];
            int a = batch.actions()[i];
            if (!(mu > 0f && mu <= 1f)) {
                throw new IllegalArgumentException(
                        "step "
                                + i
                                + " of the segment batch logs behaviour probability "
                                + mu
                                + "; it must be in (0, 1] (actors log pi(a|s) of the action they"
                                + " sampled)");
            }
            if (a < 0 || a >= spec.numActions()) {
                throw new IllegalArgumentException(
                        "step "
                                + i
                                + " of the segment batch has action "
                                + a
                                + "; valid actions are 0 to "
                                + (spec.numActions() - 1));
            }
        }
    }

    /** Counts one gradient step on {@code stats}' valid steps; returns the steps taken. */
    protected final long countStep(SegmentStats stats) {
        samplesSeen += stats.steps();
        return ++globalStep;
    }

    /** Gradient steps taken, as counted here (equal to {@link #globalStep()}). */
    protected final long stepsTaken() {
        return globalStep;
    }

    /**
     * The tensors of a batch's {@link io.replayflow.trainer.graph.SegmentInputs}, closed together.
     *
     * @param obs {@code [B * T, ...obsShape]}
     * @param action {@code [B * T]}
     * @param bootstrapObs {@code [B, ...obsShape]}
     * @param mask the batch's {@code valid} {@code [B * T]}
     */
    protected record BatchTensors(TFloat32 obs, TInt32 action, TFloat32 bootstrapObs, TFloat32 mask)
            implements AutoCloseable {
        @Override
        public void close() {
            obs.close();
            action.close();
            bootstrapObs.close();
            mask.close();
        }
    }

    /** {@code batch}'s observations, actions, bootstrap observations and valid mask as tensors. */
    protected final BatchTensors tensors(SegmentBatch batch) {
        int n = batch.size() * batch.length();
        return new BatchTensors(
                obsTensor(batch.obs(), n),
                TInt32.tensorOf(Shape.of(n), DataBuffers.of(batch.actions(), true, false)),
                obsTensor(batch.bootstrapObs(), batch.size()),
                vector(batch.valid()));
    }

    /** {@code rows} observations of {@code spec}'s shape from the front of {@code data}. */
    protected final TFloat32 obsTensor(float[] data, long rows) {
        return TFloat32.tensorOf(
                Shape.of(spec.batchShape(rows)),
                DataBuffers.of(data, true, false).narrow(rows * spec.obsSize()));
    }

    /** An LSTM state {@code [rows, units]}. */
    protected final TFloat32 stateTensor(float[] data, int rows) {
        return TFloat32.tensorOf(
                Shape.of(rows, config.lstmUnits()), DataBuffers.of(data, true, false));
    }

    protected static TFloat32 vector(float[] data) {
        return TFloat32.tensorOf(Shape.of(data.length), DataBuffers.of(data, true, false));
    }

    /**
     * Runs {@code runner} fetching {@code outputs}, and copies each output into the array of the
     * same position in {@code into}.
     */
    protected static void fetchInto(
            Session.Runner runner, List<Operand<TFloat32>> outputs, float[]... into) {
        outputs.forEach(runner::fetch);
        try (Result r = runner.run()) {
            for (int k = 0; k < into.length; k++) {
                read(r, k, into[k]);
            }
        }
    }

    /** Copies the float tensor fetched at {@code index} into {@code out}. */
    protected static void read(Result r, int index, float[] out) {
        ((TFloat32) r.get(index)).asRawTensor().data().asFloats().read(out);
    }

    /** The trained network's variables, layer by layer. */
    public List<float[]> weights() {
        return g.io().read(session);
    }

    /** Replaces the trained network's variables (tests, checkpoints). */
    public void setWeights(List<float[]> weights) {
        g.io().write(session, weights);
    }

    /** Gradient steps taken, read from the graph's counter. */
    @Override
    public long globalStep() {
        try (Result r = session.runner().fetch(g.globalStep()).run()) {
            return ((TInt64) r.get(0)).getLong();
        }
    }

    /** Valid segment steps the gradient steps have learned from (restored from a checkpoint). */
    @Override
    public long samplesSeen() {
        return samplesSeen;
    }

    /** Segments that started mid-episode from the zero state, their burn-in prefix unknown. */
    @Override
    public long zeroStateSegments() {
        return prefixes == null ? 0L : prefixes.zeroStateSegments();
    }

    /**
     * Saves the variables (networks, Adam slots, global step) and a {@link TrainerState} as a new
     * checkpoint in {@code store}: the value-based trainer's format, with no source state (segments
     * are read once and never replayed after a restart).
     */
    @Override
    public Path saveCheckpoint(CheckpointStore store) throws IOException {
        TrainerState state =
                new TrainerState(
                        TrainerState.FORMAT_VERSION,
                        config.trainer().algo().id(),
                        network(),
                        spec.obsShape(),
                        spec.numActions(),
                        globalStep,
                        0L,
                        samplesSeen,
                        Map.of(),
                        config.toMap(),
                        System.currentTimeMillis());
        Path dir = store.save(session, state);
        log.info("checkpoint at step {}: {}", globalStep, dir);
        return dir;
    }

    /**
     * Restores the newest checkpoint in {@code store}, if any.
     *
     * @return the checkpoint restored, empty if the store has none
     * @throws IllegalStateException if it was written by another algorithm, network or spec
     */
    @Override
    public Optional<Path> restoreLatest(CheckpointStore store) throws IOException {
        Optional<Path> latest = store.latest();
        if (latest.isEmpty()) {
            return latest;
        }
        Path dir = latest.get();
        TrainerState state = TrainerState.readFrom(dir);
        state.requireSameRun(
                dir,
                config.trainer().algo().id(),
                network(),
                spec.obsShape(),
                spec.numActions(),
                "learner");
        session.restore(CheckpointStore.variablesPrefix(dir).toString());
        globalStep = globalStep();
        samplesSeen = state.samplesSeen();
        log.info("resumed from {} at step {}", dir, globalStep);
        List<SettingChange> changed =
                state.changedSettings(config.toMap(), TrainerOptions.RUN_KEYS);
        if (!changed.isEmpty()) {
            log.warn(SettingChange.resumeWarning(dir, changed));
        }
        return latest;
    }

    @Override
    public SegmentConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        graph.close();
    }
}
