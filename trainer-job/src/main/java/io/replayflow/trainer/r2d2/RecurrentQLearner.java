package io.replayflow.trainer.r2d2;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TrainerOptions;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.checkpoint.TrainerState;
import io.replayflow.trainer.export.PolicySnapshot;
import io.replayflow.trainer.graph.RecurrentQGraph;
import io.replayflow.trainer.graph.SessionFactory;
import io.replayflow.trainer.net.QNetworkSpec;
import io.replayflow.trainer.pg.BurnInPrefixes;
import io.replayflow.trainer.pg.PgStepMetrics;
import io.replayflow.trainer.pg.PolicyGradientConfig;
import io.replayflow.trainer.pg.SegmentLearner;
import io.replayflow.trainer.pg.SegmentStats;
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
 * R2D2's learner ({@code trainer.algo=r2d2}): an LSTM Q-network ({@code trainer.hidden} dense
 * layers, {@code trainer.pg.lstm-units}) trained on the segment batches the policy-gradient loop
 * reads. One {@link #step} is up to four session runs:
 *
 * <ol>
 *   <li>burn-in: both networks over each segment's last {@code K = trainer.pg.burn-in} prefix
 *       observations ({@link BurnInPrefixes}) from zeros, no gradient: each segment's start state
 *       for the online and for the target network;
 *   <li>forward: both networks unrolled over the segments, and one more step on {@code
 *       bootstrap_obs}; the n-step Double DQN targets in Java ({@link R2d2Targets}, {@code
 *       trainer.n-step}, {@code trainer.gamma}, rewards times {@code trainer.pg.reward-scale});
 *   <li>train: the masked Huber (or squared) TD loss, Adam, global-norm clip;
 *   <li>every {@code trainer.target.update-period} steps, {@code target <- online} (Polyak with
 *       {@code trainer.target.tau} < 1).
 * </ol>
 *
 * <pre>{@code
 * try (RecurrentQLearner learner = RecurrentQLearner.create(config, TransitionSpec.vector(2, 2), 20)) {
 *     source.next(config.trainer().batchSize())
 *             .ifPresent(batch -> learner.step(batch, publishedVersion, clock.millis()));
 * }
 * }</pre>
 *
 * <p>Segments are read FIFO and each at most {@code segment uses} times (no prioritized replay;
 * docs/ALGORITHMS.md lists this and the other deviations). Not thread-safe: owned by the learner's
 * thread. Weights start from {@code trainer.seed}; the target starts as an exact copy.
 */
public final class RecurrentQLearner implements SegmentLearner {

    private static final Logger LOG = LoggerFactory.getLogger(RecurrentQLearner.class);

    /** Episodes whose last observations the burn-in keeps at once. */
    static final int BURN_IN_EPISODES = 4096;

    private final PolicyGradientConfig config;
    private final TrainerConfig t;
    private final TransitionSpec spec;
    private final Graph graph;
    private final RecurrentQGraph g;
    private final Session session;
    private final BurnInPrefixes prefixes; // null: no burn-in
    private long globalStep;
    private long samplesSeen;

    private RecurrentQLearner(PolicyGradientConfig config, TransitionSpec spec, int length) {
        this.config = Objects.requireNonNull(config, "config");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.t = config.trainer();
        if (t.algo() != Algo.R2D2) {
            throw new IllegalArgumentException(
                    "trainer.algo=" + t.algo() + " is not r2d2: use PolicyGradientLearner");
        }
        this.graph = new Graph();
        try {
            this.g =
                    new RecurrentQGraph(
                            graph,
                            spec,
                            t.hidden(),
                            config.lstmUnits(),
                            length,
                            config.burnIn(),
                            t.loss(),
                            (float) t.huberDelta(),
                            t.lr(),
                            t.adamBeta1(),
                            t.adamBeta2(),
                            t.adamEpsilon(),
                            t.gradClipNorm(),
                            t.targetTau());
            this.session = SessionFactory.open(graph, t.intraOpThreads(), t.interOpThreads());
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        this.prefixes =
                config.burnIn() > 0
                        ? new BurnInPrefixes(
                                config.burnIn(), length, spec.obsSize(), BURN_IN_EPISODES)
                        : null;
    }

    /**
     * Builds the graph and initialises both networks from {@code trainer.seed}.
     *
     * @param segmentLength T of every segment batch it will be given (the unroll's length)
     */
    public static RecurrentQLearner create(
            PolicyGradientConfig config, TransitionSpec spec, int segmentLength) {
        RecurrentQLearner learner = new RecurrentQLearner(config, spec, segmentLength);
        try {
            learner.session.initialize();
            List<float[]> w = learner.g.network().initialWeights(config.trainer().seed());
            learner.setWeights(w);
            learner.g.targetIo().write(learner.session, w);
            return learner;
        } catch (RuntimeException e) {
            learner.close();
            throw e;
        }
    }

    @Override
    public PgStepMetrics step(SegmentBatch batch, long learnerVersion, long nowMs) {
        checkBatch(batch);
        int n = batch.size() * batch.length();
        int a = spec.numActions();
        float[] qOnline = new float[n * a];
        float[] qTarget = new float[n * a];
        float[] bootOnline = new float[batch.size() * a];
        float[] bootTarget = new float[batch.size() * a];
        float[][] state = initialState(batch);
        float[] m = new float[4];
        try (TFloat32 obs = obsTensor(batch.obs(), n);
                TInt32 action =
                        TInt32.tensorOf(Shape.of(n), DataBuffers.of(batch.actions(), true, false));
                TFloat32 bootstrapObs = obsTensor(batch.bootstrapObs(), batch.size());
                TFloat32 valid = vector(batch.valid());
                TFloat32 h = stateTensor(state[0], batch.size());
                TFloat32 c = stateTensor(state[1], batch.size());
                TFloat32 th = stateTensor(state[2], batch.size());
                TFloat32 tc = stateTensor(state[3], batch.size())) {
            try (Result r =
                    session.runner()
                            .feed(g.obs(), obs)
                            .feed(g.mask(), valid)
                            .feed(g.bootstrapObs(), bootstrapObs)
                            .feed(g.stateH(), h)
                            .feed(g.stateC(), c)
                            .feed(g.targetStateH(), th)
                            .feed(g.targetStateC(), tc)
                            .fetch(g.qOnline())
                            .fetch(g.qTarget())
                            .fetch(g.bootstrapOnline())
                            .fetch(g.bootstrapTarget())
                            .run()) {
                read(r, 0, qOnline);
                read(r, 1, qTarget);
                read(r, 2, bootOnline);
                read(r, 3, bootTarget);
            }
            float[] y =
                    R2d2Targets.compute(
                            batch,
                            qOnline,
                            qTarget,
                            bootOnline,
                            bootTarget,
                            a,
                            t.gamma(),
                            t.nStep(),
                            config.rewardScale());
            try (TFloat32 yT = vector(y);
                    Result r =
                            session.runner()
                                    .feed(g.obs(), obs)
                                    .feed(g.action(), action)
                                    .feed(g.mask(), valid)
                                    .feed(g.y(), yT)
                                    .feed(g.stateH(), h)
                                    .feed(g.stateC(), c)
                                    .fetch(g.metrics())
                                    .addTarget(g.train())
                                    .run()) {
                read(r, 0, m);
            }
        }
        globalStep++;
        long period = t.targetUpdatePeriod();
        if (period > 0 && globalStep % period == 0) {
            session.runner().addTarget(g.targetUpdate()).run();
        }
        SegmentStats stats =
                SegmentStats.of(batch, greedyRatios(batch, qOnline, a), learnerVersion, nowMs);
        samplesSeen += stats.steps();
        return new PgStepMetrics(
                globalStep,
                m[RecurrentQGraph.TD],
                Float.NaN,
                m[RecurrentQGraph.TD],
                Float.NaN,
                m[RecurrentQGraph.GRAD_NORM],
                stats);
    }

    /**
     * {@code pi(a|s) / mu(a|s)} of the greedy policy: {@code 1/mu} where the logged action is the
     * online network's argmax, 0 where it is not (explored); 1 on padding.
     */
    private static float[] greedyRatios(SegmentBatch batch, float[] q, int numActions) {
        float[] ratios = new float[q.length / numActions];
        for (int i = 0; i < ratios.length; i++) {
            if (batch.valid()[i] == 0f) {
                ratios[i] = 1f;
                continue;
            }
            int best = 0;
            for (int k = 1; k < numActions; k++) {
                if (q[i * numActions + k] > q[i * numActions + best]) {
                    best = k;
                }
            }
            ratios[i] = best == batch.actions()[i] ? 1f / batch.behaviorProbs()[i] : 0f;
        }
        return ratios;
    }

    /**
     * The start state of every segment of {@code batch}: online {@code h, c} and target {@code h,
     * c} ({@code [B * units]} each), zeros, or with a burn-in each network run over the segment's
     * prefix from zeros. Takes the batch's steps into the prefixes kept for later segments of their
     * episodes, so call it once per batch, in the order served.
     */
    float[][] initialState(SegmentBatch batch) {
        int units = config.lstmUnits();
        float[][] s = new float[4][batch.size() * units];
        if (prefixes == null) {
            return s;
        }
        BurnInPrefixes.Prefixes p = prefixes.next(batch);
        if (!p.any()) {
            return s;
        }
        long rows = (long) batch.size() * g.burnIn();
        try (TFloat32 obs = obsTensor(p.obs(), rows);
                TFloat32 mask = vector(p.mask());
                TFloat32 zero = stateTensor(s[0], batch.size());
                Result r =
                        session.runner()
                                .feed(g.burnInObs(), obs)
                                .feed(g.burnInMask(), mask)
                                .feed(g.stateH(), zero)
                                .feed(g.stateC(), zero)
                                .feed(g.targetStateH(), zero)
                                .feed(g.targetStateC(), zero)
                                .fetch(g.burnInState().get(0))
                                .fetch(g.burnInState().get(1))
                                .fetch(g.burnInState().get(2))
                                .fetch(g.burnInState().get(3))
                                .run()) {
            for (int k = 0; k < 4; k++) {
                read(r, k, s[k]);
            }
        }
        return s;
    }

    /** {@code Q_online(s_i, .)} {@code [B * T * A]} of the training graph's unroll from zeros. */
    float[] qOnline(SegmentBatch batch) {
        checkBatch(batch);
        int n = batch.size() * batch.length();
        float[] q = new float[n * spec.numActions()];
        float[] zero = new float[batch.size() * config.lstmUnits()];
        try (TFloat32 obs = obsTensor(batch.obs(), n);
                TFloat32 valid = vector(batch.valid());
                TFloat32 h = stateTensor(zero, batch.size());
                Result r =
                        session.runner()
                                .feed(g.obs(), obs)
                                .feed(g.mask(), valid)
                                .feed(g.stateH(), h)
                                .feed(g.stateC(), h)
                                .fetch(g.qOnline())
                                .run()) {
            read(r, 0, q);
        }
        return q;
    }

    private void checkBatch(SegmentBatch batch) {
        if (batch.length() != g.length()) {
            throw new IllegalArgumentException(
                    "segments of "
                            + batch.length()
                            + " steps, but the R2D2 learner is unrolled over "
                            + g.length()
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
            int a = batch.actions()[i];
            if (a < 0 || a >= spec.numActions()) {
                throw new IllegalArgumentException(
                        "step "
                                + i
                                + " of the segment batch has action "
                                + a
                                + "; valid actions are 0 to "
                                + (spec.numActions() - 1));
            }
            float mu = batch.behaviorProbs()[i];
            if (!(mu > 0f && mu <= 1f)) {
                throw new IllegalArgumentException(
                        "step "
                                + i
                                + " of the segment batch logs behaviour probability "
                                + mu
                                + "; it must be in (0, 1]");
            }
        }
    }

    private TFloat32 obsTensor(float[] data, long rows) {
        return TFloat32.tensorOf(
                Shape.of(spec.batchShape(rows)),
                DataBuffers.of(data, true, false).narrow(rows * spec.obsSize()));
    }

    private TFloat32 stateTensor(float[] data, int rows) {
        return TFloat32.tensorOf(
                Shape.of(rows, config.lstmUnits()), DataBuffers.of(data, true, false));
    }

    private static TFloat32 vector(float[] data) {
        return TFloat32.tensorOf(Shape.of(data.length), DataBuffers.of(data, true, false));
    }

    private static void read(Result r, int index, float[] out) {
        ((TFloat32) r.get(index)).asRawTensor().data().asFloats().read(out);
    }

    /** The online network's variables, layer by layer. */
    public List<float[]> weights() {
        return g.io().read(session);
    }

    /** The target network's variables, in the online network's order. */
    public List<float[]> targetWeights() {
        return g.targetIo().read(session);
    }

    /** Replaces the online network's variables (tests, checkpoints); the target is unchanged. */
    public void setWeights(List<float[]> weights) {
        g.io().write(session, weights);
    }

    @Override
    public long globalStep() {
        try (Result r = session.runner().fetch(g.globalStep()).run()) {
            return ((TInt64) r.get(0)).getLong();
        }
    }

    @Override
    public long samplesSeen() {
        return samplesSeen;
    }

    @Override
    public long zeroStateSegments() {
        return prefixes == null ? 0L : prefixes.zeroStateSegments();
    }

    /**
     * Saves the variables (online, target, Adam slots, global step) and a {@link TrainerState}; no
     * source state (segments are read once and never replayed after a restart).
     */
    @Override
    public Path saveCheckpoint(CheckpointStore store) throws IOException {
        TrainerState state =
                new TrainerState(
                        TrainerState.FORMAT_VERSION,
                        t.algo().id(),
                        network(),
                        spec.obsShape(),
                        spec.numActions(),
                        globalStep,
                        0L,
                        samplesSeen,
                        Map.of(),
                        configMap(),
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

    @Override
    public Optional<Path> restoreLatest(CheckpointStore store) throws IOException {
        Optional<Path> latest = store.latest();
        if (latest.isEmpty()) {
            return latest;
        }
        Path dir = latest.get();
        TrainerState state = TrainerState.readFrom(dir);
        if (!state.algo().equals(t.algo().id())
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
                            + ", but this learner is algo="
                            + t.algo().id()
                            + " network="
                            + network()
                            + ": use the same settings, or a fresh checkpoint directory");
        }
        session.restore(CheckpointStore.variablesPrefix(dir).toString());
        globalStep = globalStep();
        samplesSeen = state.samplesSeen();
        LOG.info("resumed from {} at step {}", dir, globalStep);
        return latest;
    }

    private String network() {
        return "q " + trunk().describe() + " lstm(" + config.lstmUnits() + ")";
    }

    private QNetworkSpec.Mlp trunk() {
        return QNetworkSpec.mlp(t.hidden().stream().mapToInt(Integer::intValue).toArray());
    }

    /** The online network as a recurrent Q-value policy (format 3, explored ε-greedy). */
    @Override
    public PolicySnapshot snapshot(String policyName, PolicyManifest.Lineage lineage) {
        return PolicySnapshot.recurrentQ(
                policyName,
                t.algo(),
                trunk(),
                config.lstmUnits(),
                spec,
                weights(),
                configMap(),
                globalStep(),
                lineage);
    }

    /**
     * The settings written into manifests and checkpoints: every key but the actor-critic's ({@code
     * trainer.actor-critic.hidden}, {@code trainer.pg.value-coef}, {@code trainer.pg.entropy-coef},
     * {@code trainer.vtrace.*}), which r2d2 does not read.
     */
    private Map<String, String> configMap() {
        Map<String, String> map = new java.util.TreeMap<>(config.toMap());
        map.keySet()
                .removeIf(
                        k ->
                                k.equals(TrainerOptions.ACTOR_CRITIC_HIDDEN.key())
                                        || k.equals(TrainerOptions.PG_VALUE_COEF.key())
                                        || k.equals(TrainerOptions.PG_ENTROPY_COEF.key())
                                        || k.startsWith("trainer.vtrace."));
        return map;
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
