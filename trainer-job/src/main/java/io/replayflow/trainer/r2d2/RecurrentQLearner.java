package io.replayflow.trainer.r2d2;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.export.PolicySnapshot;
import io.replayflow.trainer.graph.RecurrentQGraph;
import io.replayflow.trainer.graph.SegmentInputs;
import io.replayflow.trainer.net.QNetworkSpec;
import io.replayflow.trainer.pg.BurnInPrefixes;
import io.replayflow.trainer.pg.PgStepMetrics;
import io.replayflow.trainer.pg.SegmentConfig;
import io.replayflow.trainer.pg.SegmentLearnerBase;
import io.replayflow.trainer.pg.SegmentStats;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

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
 * docs/ALGORITHMS.md lists this and the other deviations). The graph, session, batch checks,
 * burn-in, counters and checkpoints are {@link SegmentLearnerBase}'s. Not thread-safe: owned by the
 * learner's thread. Weights start from {@code trainer.seed}; the target starts as an exact copy.
 */
public final class RecurrentQLearner extends SegmentLearnerBase<RecurrentQGraph> {

    private final TrainerConfig t;

    private RecurrentQLearner(SegmentConfig config, TransitionSpec spec, int length) {
        super(
                requireR2d2(config),
                spec,
                length,
                graph ->
                        new RecurrentQGraph(
                                graph,
                                spec,
                                config.lstmUnits(),
                                length,
                                config.burnIn(),
                                config.trainer()));
        this.t = config.trainer();
    }

    private static SegmentConfig requireR2d2(SegmentConfig config) {
        Algo algo = config.trainer().algo();
        if (algo != Algo.R2D2) {
            throw new IllegalArgumentException(
                    "trainer.algo=" + algo + " is not r2d2: use PolicyGradientLearner");
        }
        return config;
    }

    /**
     * Builds the graph and initialises both networks from {@code trainer.seed}.
     *
     * @param segmentLength T of every segment batch it will be given (the unroll's length)
     */
    public static RecurrentQLearner create(
            SegmentConfig config, TransitionSpec spec, int segmentLength) {
        return initialized(new RecurrentQLearner(config, spec, segmentLength));
    }

    /** Both networks from {@code seed}: the target an exact copy of the online network. */
    @Override
    protected void initializeWeights(long seed) {
        List<float[]> w = g.network().initialWeights(seed);
        setWeights(w);
        g.targetIo().write(session, w);
    }

    @Override
    public PgStepMetrics step(SegmentBatch batch, long learnerVersion, long nowMs) {
        checkBatch(batch);
        SegmentInputs in = g.inputs();
        int n = batch.size() * batch.length();
        int a = spec.numActions();
        float[] qOnline = new float[n * a];
        float[] qTarget = new float[n * a];
        float[] bootOnline = new float[batch.size() * a];
        float[] bootTarget = new float[batch.size() * a];
        float[][] state = initialState(batch);
        float[] m = new float[4];
        try (BatchTensors b = tensors(batch);
                TFloat32 h = stateTensor(state[0], batch.size());
                TFloat32 c = stateTensor(state[1], batch.size());
                TFloat32 th = stateTensor(state[2], batch.size());
                TFloat32 tc = stateTensor(state[3], batch.size())) {
            fetchInto(
                    session.runner()
                            .feed(in.obs(), b.obs())
                            .feed(in.mask(), b.mask())
                            .feed(in.bootstrapObs(), b.bootstrapObs())
                            .feed(g.lstm().state().get(0), h)
                            .feed(g.lstm().state().get(1), c)
                            .feed(g.lstm().state().get(2), th)
                            .feed(g.lstm().state().get(3), tc),
                    List.of(g.qOnline(), g.qTarget(), g.bootstrapOnline(), g.bootstrapTarget()),
                    qOnline,
                    qTarget,
                    bootOnline,
                    bootTarget);
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
            try (TFloat32 yT = vector(y)) {
                fetchInto(
                        session.runner()
                                .feed(in.obs(), b.obs())
                                .feed(in.action(), b.action())
                                .feed(in.mask(), b.mask())
                                .feed(g.y(), yT)
                                .feed(g.lstm().stateH(), h)
                                .feed(g.lstm().stateC(), c)
                                .addTarget(g.train()),
                        List.of(g.metrics()),
                        m);
            }
        }
        SegmentStats stats =
                SegmentStats.of(batch, greedyRatios(batch, qOnline, a), learnerVersion, nowMs);
        long step = countStep(stats);
        long period = t.targetUpdatePeriod();
        if (period > 0 && step % period == 0) {
            session.runner().addTarget(g.targetUpdate()).run();
        }
        return new PgStepMetrics(
                step,
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
                                .feed(g.inputs().obs(), obs)
                                .feed(g.inputs().mask(), valid)
                                .feed(g.lstm().stateH(), h)
                                .feed(g.lstm().stateC(), h)
                                .fetch(g.qOnline())
                                .run()) {
            read(r, 0, q);
        }
        return q;
    }

    /** The target network's variables, in the online network's order. */
    public List<float[]> targetWeights() {
        return g.targetIo().read(session);
    }

    @Override
    protected String network() {
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
                config.toMap(),
                globalStep(),
                lineage);
    }
}
