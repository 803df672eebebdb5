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
 * <p>Not thread-safe: owned by the learner's thread. Weights start from {@code trainer.seed}.
 */
public final class PolicyGradientLearner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyGradientLearner.class);

    private final PolicyGradientConfig config;
    private final TransitionSpec spec;
    private final PolicyGradientLoss loss;
    private final Graph graph;
    private final PolicyGradientGraph g;
    private final Session session;
    private long globalStep;
    private long samplesSeen;

    private PolicyGradientLearner(PolicyGradientConfig config, TransitionSpec spec) {
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
    }

    /** Builds the graph and initialises the weights from {@code trainer.seed}. */
    public static PolicyGradientLearner create(PolicyGradientConfig config, TransitionSpec spec) {
        PolicyGradientLearner learner = new PolicyGradientLearner(config, spec);
        try {
            learner.session.initialize();
            learner.setWeights(
                    WeightInit.fanInUniform(
                            learner.g.network().network(), config.trainer().seed()));
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
        try (TFloat32 obs = obsTensor(batch.obs(), n);
                TInt32 action =
                        TInt32.tensorOf(Shape.of(n), DataBuffers.of(batch.actions(), true, false));
                TFloat32 bootstrapObs = obsTensor(batch.bootstrapObs(), batch.size())) {
            try (Result r =
                    session.runner()
                            .feed(g.obs(), obs)
                            .feed(g.action(), action)
                            .feed(g.bootstrapObs(), bootstrapObs)
                            .fetch(g.value())
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
                    TFloat32 valueTarget = vector(targets.valueTarget());
                    TFloat32 mask = vector(batch.valid())) {
                Session.Runner runner =
                        session.runner()
                                .feed(g.obs(), obs)
                                .feed(g.action(), action)
                                .feed(g.advantage(), advantage)
                                .feed(g.valueTarget(), valueTarget)
                                .feed(g.mask(), mask)
                                .fetch(g.metrics());
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
                batch.bootstrapAlive());
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
    public long globalStep() {
        try (Result r = session.runner().fetch(g.globalStep()).run()) {
            return ((TInt64) r.get(0)).getLong();
        }
    }

    /** Valid segment steps the gradient steps have learned from (restored from a checkpoint). */
    public long samplesSeen() {
        return samplesSeen;
    }

    /**
     * Saves the variables (actor-critic, Adam slots, global step) and a {@link TrainerState} as a
     * new checkpoint in {@code store}: the value-based trainer's format, with no target network and
     * no source state (segments are read once and never replayed after a restart).
     */
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
        return "actor-critic " + config.trunk().describe();
    }

    /** Everything the exporter needs to write this actor-critic as a stochastic policy. */
    public PolicySnapshot snapshot(String policyName, PolicyManifest.Lineage lineage) {
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
