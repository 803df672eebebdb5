package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.PolicyGradientLoss;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.checkpoint.TrainerState;
import io.replayflow.trainer.export.PolicySnapshot;
import io.replayflow.trainer.graph.PolicyGradientGraph;
import io.replayflow.trainer.graph.SessionFactory;
import io.replayflow.trainer.net.WeightInit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Trains an actor-critic on segment batches with the loss of {@code trainer.algo} (A2C, REINFORCE
 * or IMPALA). One {@link #step} is two session runs: a forward pass for {@code V(s)}, {@code log
 * pi(a|s)} and the bootstrap values; the loss's targets in Java ({@link
 * PolicyGradientLoss#targets}); then one Adam step on {@link PolicyGradientLoss#build}.
 *
 * <pre>{@code
 * try (PolicyGradientLearner learner = PolicyGradientLearner.create(config, TransitionSpec.vector(4, 2))) {
 *     source.next(config.trainer().batchSize())
 *             .ifPresent(batch -> learner.step(batch, publishedVersion, clock.millis()));
 * }
 * }</pre>
 *
 * <p>With {@code trainer.pg.network=lstm} the actor-critic is recurrent: the graph unrolls it over
 * the T steps of each segment (so every batch must have the T given to {@link
 * #create(PolicyGradientConfig, TransitionSpec, int)}), and a third session run first recomputes
 * each segment's starting state from its burn-in prefix ({@link BurnInPrefixes}, {@link
 * #initialState}).
 *
 * <p>Not thread-safe: owned by the learner's thread. Weights start from {@code trainer.seed}.
 */
public final class PolicyGradientLearner implements SegmentLearner {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyGradientLearner.class);

    private final PolicyGradientConfig config;
    private final TransitionSpec spec;
    private final PolicyGradientLoss loss;
    private final Graph graph;
    private final PolicyGradientGraph g;
    private final Session session;
    private final BurnInPrefixes prefixes; // null: feed-forward, or no burn-in
    private long globalStep;
    private long samplesSeen;

    /** Episodes whose last observations the burn-in keeps at once. */
    static final int BURN_IN_EPISODES = 4096;

    private PolicyGradientLearner(
            PolicyGradientConfig config, TransitionSpec spec, int segmentLength) {
        this.config = Objects.requireNonNull(config, "config");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.loss = config.loss();
        var t = config.trainer();
        this.graph = new Graph();
        try {
            this.g =
                    new PolicyGradientGraph(
                            graph,
                            spec,
                            config.trunk(),
                            recurrence(config, segmentLength),
                            (float) config.valueCoef(),
                            (float) config.entropyCoef(),
                            t.lr(),
                            t.adamBeta1(),
                            t.adamBeta2(),
                            t.adamEpsilon(),
                            t.gradClipNorm());
            this.session = SessionFactory.open(graph, t.intraOpThreads(), t.interOpThreads());
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        this.prefixes =
                config.recurrent() && config.burnIn() > 0
                        ? new BurnInPrefixes(
                                config.burnIn(), segmentLength, spec.obsSize(), BURN_IN_EPISODES)
                        : null;
    }

    private static PolicyGradientGraph.Recurrence recurrence(
            PolicyGradientConfig config, int segmentLength) {
        return config.recurrent()
                ? new PolicyGradientGraph.Recurrence(
                        config.hidden(), config.lstmUnits(), segmentLength, config.burnIn())
                : null;
    }

    /**
     * Builds a feed-forward learner and initialises the weights from {@code trainer.seed}.
     *
     * @throws IllegalArgumentException for {@code trainer.pg.network=lstm}, which needs the segment
     *     length: use {@link #create(PolicyGradientConfig, TransitionSpec, int)}
     */
    public static PolicyGradientLearner create(PolicyGradientConfig config, TransitionSpec spec) {
        if (config.recurrent()) {
            throw new IllegalArgumentException(
                    "an LSTM learner unrolls over a fixed segment length: pass it to create(config,"
                            + " spec, segmentLength)");
        }
        return create(config, spec, 1);
    }

    /**
     * Builds the graph and initialises the weights from {@code trainer.seed}.
     *
     * @param segmentLength T of every segment batch it will be given; the LSTM core is unrolled
     *     over exactly T steps (the feed-forward core takes any length)
     */
    public static PolicyGradientLearner create(
            PolicyGradientConfig config, TransitionSpec spec, int segmentLength) {
        PolicyGradientLearner learner = new PolicyGradientLearner(config, spec, segmentLength);
        try {
            learner.session.initialize();
            long seed = config.trainer().seed();
            learner.setWeights(
                    config.recurrent()
                            ? learner.g.recurrentNetwork().initialWeights(seed)
                            : WeightInit.fanInUniform(learner.g.network().network(), seed));
            return learner;
        } catch (RuntimeException e) {
            learner.close();
            throw e;
        }
    }

    /**
     * One gradient step on {@code batch}.
     *
     * @param learnerVersion the newest version this learner has published, for the policy lag
     * @param nowMs the learner's clock, for the lag in seconds
     */
    @Override
    public PgStepMetrics step(SegmentBatch batch, long learnerVersion, long nowMs) {
        return run(batch, learnerVersion, nowMs, true);
    }

    /** The loss and statistics {@link #step} would report, without changing the weights. */
    public PgStepMetrics evaluate(SegmentBatch batch, long learnerVersion, long nowMs) {
        return run(batch, learnerVersion, nowMs, false);
    }

    private PgStepMetrics run(SegmentBatch batch, long learnerVersion, long nowMs, boolean train) {
        checkBatch(batch);
        int n = batch.size() * batch.length();
        float[] values = new float[n];
        float[] logPi = new float[n];
        float[] bootstrapValues = new float[batch.size()];
        float[][] state = g.recurrence() == null ? null : initialState(batch);
        try (TFloat32 obs = obsTensor(batch.obs(), n);
                TInt32 action =
                        TInt32.tensorOf(Shape.of(n), DataBuffers.of(batch.actions(), true, false));
                TFloat32 bootstrapObs = obsTensor(batch.bootstrapObs(), batch.size());
                TFloat32 valid = vector(batch.valid());
                TFloat32 stateH = state == null ? null : stateTensor(state[0], batch.size());
                TFloat32 stateC = state == null ? null : stateTensor(state[1], batch.size())) {
            Session.Runner forward =
                    session.runner()
                            .feed(g.obs(), obs)
                            .feed(g.action(), action)
                            .feed(g.bootstrapObs(), bootstrapObs);
            if (state != null) {
                forward.feed(g.mask(), valid).feed(g.stateH(), stateH).feed(g.stateC(), stateC);
            }
            try (Result r =
                    forward.fetch(g.value())
                            .fetch(g.logPiTaken())
                            .fetch(g.bootstrapValue())
                            .run()) {
                read(r, 0, values);
                read(r, 1, logPi);
                read(r, 2, bootstrapValues);
            }
            float[] ratios = ratios(batch, logPi);
            PolicyGradientLoss.Targets targets =
                    loss.targets(
                            scaledRewards(batch, (float) config.rewardScale()),
                            values,
                            bootstrapValues,
                            ratios,
                            (float) config.trainer().gamma());
            float[] m = new float[5];
            try (TFloat32 advantage = vector(targets.advantage());
                    TFloat32 valueTarget = vector(targets.valueTarget())) {
                Session.Runner runner =
                        session.runner()
                                .feed(g.obs(), obs)
                                .feed(g.action(), action)
                                .feed(g.advantage(), advantage)
                                .feed(g.valueTarget(), valueTarget)
                                .feed(g.mask(), valid)
                                .fetch(g.metrics());
                if (state != null) {
                    runner.feed(g.stateH(), stateH).feed(g.stateC(), stateC);
                }
                if (train) {
                    runner.addTarget(g.train());
                }
                try (Result r = runner.run()) {
                    read(r, 0, m);
                }
            }
            SegmentStats stats = SegmentStats.of(batch, ratios, learnerVersion, nowMs);
            if (train) {
                globalStep++;
                samplesSeen += stats.steps();
            }
            return new PgStepMetrics(
                    globalStep,
                    m[PolicyGradientGraph.TOTAL],
                    m[PolicyGradientGraph.POLICY],
                    m[PolicyGradientGraph.VALUE],
                    m[PolicyGradientGraph.ENTROPY],
                    m[PolicyGradientGraph.GRAD_NORM],
                    stats);
        }
    }

    /**
     * The LSTM state {@code h, c} ({@code [B * units]} each) at the start of every segment of
     * {@code batch}: zeros, or, with a burn-in, the current network run over each segment's prefix
     * ({@link BurnInPrefixes}) from zeros. Takes the batch's own steps into the prefixes kept for
     * later segments of their episodes, so call it once per batch, in the order served.
     */
    float[][] initialState(SegmentBatch batch) {
        int units = g.recurrence().units();
        float[] h = new float[batch.size() * units];
        float[] c = new float[batch.size() * units];
        if (prefixes == null) {
            return new float[][] {h, c};
        }
        BurnInPrefixes.Prefixes p = prefixes.next(batch);
        if (!p.any()) {
            return new float[][] {h, c};
        }
        long rows = (long) batch.size() * g.recurrence().burnIn();
        try (TFloat32 obs = obsTensor(p.obs(), rows);
                TFloat32 mask = vector(p.mask());
                TFloat32 h0 = stateTensor(h, batch.size());
                TFloat32 c0 = stateTensor(c, batch.size());
                Result r =
                        session.runner()
                                .feed(g.burnInObs(), obs)
                                .feed(g.burnInMask(), mask)
                                .feed(g.stateH(), h0)
                                .feed(g.stateC(), c0)
                                .fetch(g.burnInState().get(0))
                                .fetch(g.burnInState().get(1))
                                .run()) {
            read(r, 0, h);
            read(r, 1, c);
        }
        return new float[][] {h, c};
    }

    /** Segments that started mid-episode from the zero state, their burn-in prefix unknown. */
    @Override
    public long zeroStateSegments() {
        return prefixes == null ? 0L : prefixes.zeroStateSegments();
    }

    private TFloat32 stateTensor(float[] data, int rows) {
        return TFloat32.tensorOf(
                Shape.of(rows, g.recurrence().units()), DataBuffers.of(data, true, false));
    }

    /**
     * {@code batch} with every reward times {@code scale} ({@code trainer.pg.reward-scale}): the
     * targets, hence the value head, are in scaled units; {@code batch} itself when the scale is 1.
     */
    static SegmentBatch scaledRewards(SegmentBatch batch, float scale) {
        if (scale == 1f) {
            return batch;
        }
        float[] rewards = batch.rewards().clone();
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] *= scale;
        }
        return new SegmentBatch(
                batch.size(),
                batch.length(),
                batch.obsDim(),
                batch.obs(),
                batch.actions(),
                rewards,
                batch.behaviorProbs(),
                batch.policyVersions(),
                batch.terminated(),
                batch.valid(),
                batch.eventTimeMs(),
                batch.bootstrapObs(),
                batch.bootstrapAlive(),
                batch.episodeKeys(),
                batch.firstSteps());
    }

    /** {@code pi(a|s) / mu(a|s)} for valid steps, 1 on padding. */
    private static float[] ratios(SegmentBatch batch, float[] logPi) {
        float[] ratios = new float[logPi.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] =
                    batch.valid()[i] == 0f
                            ? 1f
                            : (float) (Math.exp(logPi[i]) / batch.behaviorProbs()[i]);
        }
        return ratios;
    }

    private void checkBatch(SegmentBatch batch) {
        if (g.recurrence() != null && batch.length() != g.recurrence().length()) {
            throw new IllegalArgumentException(
                    "segments of "
                            + batch.length()
                            + " steps, but the LSTM learner is unrolled over "
                            + g.recurrence().length()
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

    private TFloat32 obsTensor(float[] data, long rows) {
        return TFloat32.tensorOf(
                Shape.of(spec.batchShape(rows)),
                DataBuffers.of(data, true, false).narrow(rows * spec.obsSize()));
    }

    private static TFloat32 vector(float[] data) {
        return TFloat32.tensorOf(Shape.of(data.length), DataBuffers.of(data, true, false));
    }

    private static void read(Result r, int index, float[] out) {
        ((TFloat32) r.get(index)).asRawTensor().data().asFloats().read(out);
    }

    /** The actor-critic's variables, layer by layer (the head's last column is the value). */
    public List<float[]> weights() {
        return g.io().read(session);
    }

    /** Replaces the actor-critic's variables (tests, checkpoints). */
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

    /**
     * Saves the variables (actor-critic, Adam slots, global step) and a {@link TrainerState} as a
     * new checkpoint in {@code store}: the value-based trainer's format, with no target network and
     * no source state (segments are read once and never replayed after a restart).
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
        Path dir =
                store.save(
                        globalStep,
                        tmp -> {
                            session.save(CheckpointStore.variablesPrefix(tmp).toString());
                            state.writeTo(tmp);
                        });
        LOG.info("checkpoint at step {}: {}", globalStep, dir);
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
        if (!state.algo().equals(config.trainer().algo().id())
                || !state.network().equals(network())
                || !state.obsShape().equals(spec.obsShape())
                || state.numActions() != spec.numActions()) {
            throw new IllegalStateException(
                    "checkpoint "
                            + dir
                            + " was written by algo="
                            + state.algo()
                            + " network="
                            + state.network()
                            + " obs="
                            + state.obsShape()
                            + " actions="
                            + state.numActions()
                            + ", but this learner is algo="
                            + config.trainer().algo().id()
                            + " network="
                            + network()
                            + " obs="
                            + spec.obsShape()
                            + " actions="
                            + spec.numActions()
                            + ": use the same settings, or a fresh checkpoint directory");
        }
        session.restore(CheckpointStore.variablesPrefix(dir).toString());
        globalStep = globalStep();
        samplesSeen = state.samplesSeen();
        LOG.info("resumed from {} at step {}", dir, globalStep);
        return latest;
    }

    private String network() {
        return "actor-critic "
                + config.trunk().describe()
                + (config.recurrent() ? " lstm(" + config.lstmUnits() + ")" : "");
    }

    /** Everything the exporter needs to write this actor-critic as a stochastic policy. */
    @Override
    public PolicySnapshot snapshot(String policyName, PolicyManifest.Lineage lineage) {
        if (config.recurrent()) {
            return PolicySnapshot.recurrent(
                    policyName,
                    config.trainer().algo(),
                    config.trunk(),
                    config.lstmUnits(),
                    spec,
                    weights(),
                    config.toMap(),
                    globalStep(),
                    lineage);
        }
        return PolicySnapshot.stochastic(
                policyName,
                config.trainer().algo(),
                config.trunk(),
                spec,
                weights(),
                config.toMap(),
                globalStep(),
                lineage);
    }

    @Override
    public PolicyGradientConfig config() {
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
