package io.replayflow.trainer.ope;

import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.algo.FqeLoss;
import io.replayflow.trainer.graph.SessionFactory;
import io.replayflow.trainer.graph.TrainingGraph;
import io.replayflow.trainer.net.WeightInit;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Fitted Q evaluation of a deterministic policy {@code pi} on logged transitions, on the trainer's
 * own graph ({@link TrainingGraph} with {@link FqeLoss}: same network, optimizer, gradient clipping
 * and target updates as training): {@code steps} Adam steps on uniformly drawn minibatches of the
 * regression
 *
 * <pre>
 *   Q(s, a)  <-  r + gamma (1 - terminated) Q_target(s', pi(s'))
 * </pre>
 *
 * after which {@link #q} gives {@code Q^pi(s, .)}. The discount comes with the data ({@link
 * FqeData#discount}); {@code trainer.gamma} is not used. Vector observations only. Not thread-safe;
 * owns a TensorFlow graph and session until {@link #close}.
 */
public final class FittedQEvaluation implements AutoCloseable {

    private final Graph graph;
    private final TrainingGraph g;
    private final Session session;
    private final TransitionSpec spec;

    private FittedQEvaluation(TrainerConfig config, TransitionSpec spec, float low, float high) {
        this.spec = spec;
        this.graph = new Graph();
        try {
            this.g =
                    TrainingGraph.build(
                            graph,
                            config,
                            spec,
                            new FqeLoss(config.loss(), (float) config.huberDelta(), low, high));
            this.session =
                    SessionFactory.open(graph, config.intraOpThreads(), config.interOpThreads());
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        session.initialize();
        g.onlineIo().write(session, WeightInit.fanInUniform(g.online(), config.seed()));
        session.run(g.copyTarget());
        // with trainer.policy.ema-decay the values read are the averaged network's: start it here
        g.copyAverage().ifPresent(session::run);
    }

    /**
     * Fits {@code Q^pi} with {@code steps} minibatch steps of {@code trainer.batch-size} rows drawn
     * by {@code random}; the target network follows {@code trainer.target-update-period} and {@code
     * trainer.target-tau} as in training.
     */
    public static FittedQEvaluation fit(
            TrainerConfig config,
            FqeData data,
            int numActions,
            long steps,
            RandomGenerator random) {
        return fit(config, data, numActions, steps, random, Float.POSITIVE_INFINITY);
    }

    /**
     * As {@link #fit(TrainerConfig, FqeData, int, long, RandomGenerator)}, with the bootstrap value
     * clipped to {@code [-valueBound, valueBound]} (see {@link FqeLoss}).
     */
    public static FittedQEvaluation fit(
            TrainerConfig config,
            FqeData data,
            int numActions,
            long steps,
            RandomGenerator random,
            float valueBound) {
        return fit(config, data, numActions, steps, random, -valueBound, valueBound);
    }

    /**
     * As {@link #fit(TrainerConfig, FqeData, int, long, RandomGenerator)}, with the bootstrap value
     * clipped to {@code [low, high]} (see {@link FqeLoss}).
     */
    public static FittedQEvaluation fit(
            TrainerConfig config,
            FqeData data,
            int numActions,
            long steps,
            RandomGenerator random,
            float low,
            float high) {
        return fit(config, data, numActions, steps, random, low, high, 1, fqe -> {});
    }

    /**
     * As {@link #fit(TrainerConfig, FqeData, int, long, RandomGenerator, float, float)}, handing
     * the network to {@code atIterate} at {@code iterates} evenly spaced steps of the last quarter
     * of training, the last at step {@code steps} (for iterate averaging, see {@link
     * #iterateSteps}); {@code iterates = 1}: once, at the end.
     */
    public static FittedQEvaluation fit(
            TrainerConfig config,
            FqeData data,
            int numActions,
            long steps,
            RandomGenerator random,
            float low,
            float high,
            int iterates,
            Consumer<FittedQEvaluation> atIterate) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(atIterate, "atIterate");
        if (steps < 1) {
            throw new IllegalArgumentException("FQE steps is " + steps + "; give at least 1");
        }
        Set<Long> at = iterateSteps(steps, iterates);
        TransitionSpec spec = TransitionSpec.vector(data.obsDim(), numActions);
        FittedQEvaluation fqe = new FittedQEvaluation(config, spec, low, high);
        try {
            fqe.train(config, data, steps, random, at, atIterate);
            return fqe;
        } catch (RuntimeException e) {
            fqe.close();
            throw e;
        }
    }

    /**
     * The steps whose networks iterate averaging uses: {@code iterates} evenly spaced over the last
     * quarter of {@code steps}, ending at {@code steps} (Polyak and Juditsky, "Acceleration of
     * Stochastic Approximation by Averaging", SIAM J. Control Optim. 1992; for deep networks, the
     * averaged iterates of Izmailov et al., "Averaging Weights Leads to Wider Optima and Better
     * Generalization", UAI 2018 — here their values are averaged, not their weights). Late in FQE
     * the network circles its fixed point, moved each target period; the mean over a stretch of
     * periods sits nearer the fixed point than any one iterate.
     */
    static Set<Long> iterateSteps(long steps, int iterates) {
        if (iterates < 1) {
            throw new IllegalArgumentException(
                    "FQE iterates to average is " + iterates + "; give at least 1");
        }
        Set<Long> at = new TreeSet<>();
        long tail = steps / 4;
        for (int j = 0; j < iterates; j++) {
            at.add(Math.max(1, steps - tail * j / Math.max(1, iterates - 1)));
        }
        if (iterates > 1 && at.size() < iterates) {
            throw new IllegalArgumentException(
                    steps
                            + " FQE steps have no "
                            + iterates
                            + " distinct steps in their last quarter; give more steps or fewer"
                            + " iterates");
        }
        return at;
    }

    private void train(
            TrainerConfig config,
            FqeData data,
            long steps,
            RandomGenerator random,
            Set<Long> iterateSteps,
            Consumer<FittedQEvaluation> atIterate) {
        int batch = config.batchSize();
        int d = data.obsDim();
        float[] obs = new float[batch * d];
        float[] next = new float[batch * d];
        int[] action = new int[batch];
        int[] nextAction = new int[batch];
        float[] reward = new float[batch];
        float[] discount = new float[batch];
        float[] weight = new float[batch];
        java.util.Arrays.fill(weight, 1f);
        try (TFloat32 obsT = TFloat32.tensorOf(Shape.of(batch, d));
                TFloat32 nextT = TFloat32.tensorOf(Shape.of(batch, d));
                TInt32 actionT = TInt32.tensorOf(Shape.of(batch));
                TInt32 nextActionT = TInt32.tensorOf(Shape.of(batch));
                TFloat32 rewardT = TFloat32.tensorOf(Shape.of(batch));
                TFloat32 discountT = TFloat32.tensorOf(Shape.of(batch));
                TFloat32 weightT = TFloat32.vectorOf(weight)) {
            for (long step = 1; step <= steps; step++) {
                for (int b = 0; b < batch; b++) {
                    int i = random.nextInt(data.rows());
                    System.arraycopy(data.obs(), i * d, obs, b * d, d);
                    System.arraycopy(data.nextObs(), i * d, next, b * d, d);
                    action[b] = data.action()[i];
                    nextAction[b] = data.nextAction()[i];
                    reward[b] = data.reward()[i];
                    discount[b] = data.discount()[i];
                }
                obsT.asRawTensor().data().asFloats().write(obs);
                nextT.asRawTensor().data().asFloats().write(next);
                actionT.asRawTensor().data().asInts().write(action);
                nextActionT.asRawTensor().data().asInts().write(nextAction);
                rewardT.asRawTensor().data().asFloats().write(reward);
                discountT.asRawTensor().data().asFloats().write(discount);
                boolean updateTarget = step % config.targetUpdatePeriod() == 0;
                session.runner()
                        .feed(g.obs(), obsT)
                        .feed(g.action(), actionT)
                        .feed(g.nStepReturn(), rewardT)
                        .feed(g.bootstrapDiscount(), discountT)
                        .feed(g.nextObs(), nextT)
                        .feed(g.nextAction(), nextActionT)
                        .feed(g.weight(), weightT)
                        .addTarget(updateTarget ? g.trainAndUpdateTarget() : g.train())
                        .run();
                if (iterateSteps.contains(step)) {
                    atIterate.accept(this);
                }
            }
        }
    }

    /** {@code Q^pi(s, .)} of {@code rows} observations given row-major, {@code [rows][actions]}. */
    public float[][] q(float[] obs, int rows) {
        int d = spec.obsShape().get(0);
        if (obs.length != rows * d) {
            throw new IllegalArgumentException(
                    obs.length + " values are not " + rows + " observations of length " + d);
        }
        float[][] out = new float[rows][spec.numActions()];
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(rows, d))) {
            in.asRawTensor().data().asFloats().write(obs);
            try (Result r = session.runner().feed(g.inferObs(), in).fetch(g.inferQ()).run()) {
                TFloat32 q = (TFloat32) r.get(0);
                for (int i = 0; i < rows; i++) {
                    for (int a = 0; a < spec.numActions(); a++) {
                        out[i][a] = q.getFloat(i, a);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
