package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.PolicyGradientLoss;
import io.replayflow.trainer.export.PolicySnapshot;
import io.replayflow.trainer.graph.PolicyGradientGraph;
import io.replayflow.trainer.graph.SegmentInputs;
import io.replayflow.trainer.net.WeightInit;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

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
 * #create(SegmentConfig, TransitionSpec, int)}), and a third session run first recomputes each
 * segment's starting state from its burn-in prefix ({@link BurnInPrefixes}, {@link #initialState}).
 *
 * <p>The graph, session, batch checks, burn-in, counters and checkpoints are {@link
 * SegmentLearnerBase}'s. Not thread-safe: owned by the learner's thread. Weights start from {@code
 * trainer.seed}.
 */
public final class PolicyGradientLearner extends SegmentLearnerBase<PolicyGradientGraph> {

    private final PolicyGradientLoss loss;

    private PolicyGradientLearner(SegmentConfig config, TransitionSpec spec, int segmentLength) {
        super(
                config,
                spec,
                segmentLength,
                graph ->
                        new PolicyGradientGraph(
                                graph,
                                spec,
                                config.trunk(),
                                recurrence(config, segmentLength),
                                (float) config.valueCoef(),
                                (float) config.entropyCoef(),
                                config.trainer()));
        this.loss = config.loss();
    }

    private static PolicyGradientGraph.Recurrence recurrence(
            SegmentConfig config, int segmentLength) {
        return config.recurrent()
                ? new PolicyGradientGraph.Recurrence(
                        config.hidden(), config.lstmUnits(), segmentLength, config.burnIn())
                : null;
    }

    /**
     * Builds a feed-forward learner and initialises the weights from {@code trainer.seed}.
     *
     * @throws IllegalArgumentException for {@code trainer.pg.network=lstm}, which needs the segment
     *     length: use {@link #create(SegmentConfig, TransitionSpec, int)}
     */
    public static PolicyGradientLearner create(SegmentConfig config, TransitionSpec spec) {
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
            SegmentConfig config, TransitionSpec spec, int segmentLength) {
        return initialized(new PolicyGradientLearner(config, spec, segmentLength));
    }

    @Override
    protected void initializeWeights(long seed) {
        setWeights(
                config.recurrent()
                        ? g.recurrentNetwork().initialWeights(seed)
                        : WeightInit.fanInUniform(g.network().network(), seed));
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
        SegmentInputs in = g.inputs();
        int n = batch.size() * batch.length();
        float[] values = new float[n];
        float[] logPi = new float[n];
        float[] bootstrapValues = new float[batch.size()];
        float[][] state = g.lstm() == null ? null : initialState(batch);
        try (BatchTensors b = tensors(batch);
                TFloat32 stateH = state == null ? null : stateTensor(state[0], batch.size());
                TFloat32 stateC = state == null ? null : stateTensor(state[1], batch.size())) {
            Session.Runner forward =
                    session.runner()
                            .feed(in.obs(), b.obs())
                            .feed(in.action(), b.action())
                            .feed(in.bootstrapObs(), b.bootstrapObs());
            if (state != null) {
                forward.feed(in.mask(), b.mask())
                        .feed(g.lstm().stateH(), stateH)
                        .feed(g.lstm().stateC(), stateC);
            }
            fetchInto(
                    forward,
                    List.of(g.value(), g.logPiTaken(), g.bootstrapValue()),
                    values,
                    logPi,
                    bootstrapValues);
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
                                .feed(in.obs(), b.obs())
                                .feed(in.action(), b.action())
                                .feed(g.advantage(), advantage)
                                .feed(g.valueTarget(), valueTarget)
                                .feed(in.mask(), b.mask());
                if (state != null) {
                    runner.feed(g.lstm().stateH(), stateH).feed(g.lstm().stateC(), stateC);
                }
                if (train) {
                    runner.addTarget(g.train());
                }
                fetchInto(runner, List.of(g.metrics()), m);
            }
            SegmentStats stats = SegmentStats.of(batch, ratios, learnerVersion, nowMs);
            return new PgStepMetrics(
                    train ? countStep(stats) : stepsTaken(),
                    m[PolicyGradientGraph.TOTAL],
                    m[PolicyGradientGraph.POLICY],
                    m[PolicyGradientGraph.VALUE],
                    m[PolicyGradientGraph.ENTROPY],
                    m[PolicyGradientGraph.GRAD_NORM],
                    stats);
        }
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

    @Override
    protected String network() {
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
}
