package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A loss over a network with one output per action, built into a graph from one batch of replay
 * columns: the value-based ones ({@link DqnLoss} and its subclasses), behaviour cloning ({@link
 * BcLoss}) and IQL ({@link IqlLoss}), whose online outputs are policy logits.
 */
public interface QLoss {

    /** Adds the loss to the graph and returns its named parts. */
    LossParts build(LossInputs in);

    /** The loss of {@code config.algo()} with the config's TD loss and CQL alpha. */
    static QLoss of(TrainerConfig config) {
        TdLossFunction f = config.loss();
        float delta = (float) config.huberDelta();
        return switch (config.algo()) {
            case DQN -> new DqnLoss(f, delta);
            case DOUBLE_DQN -> new DoubleDqnLoss(f, delta);
            case QR_DQN -> new QrDqnLoss(delta);
            case CQL ->
                    new CqlLoss(
                            f,
                            delta,
                            (float) config.cqlAlpha(),
                            config.cqlAutoAlpha(),
                            (float) config.cqlTargetGap(),
                            config.cqlAlphaLr());
            case IQL ->
                    new IqlLoss(
                            f,
                            delta,
                            (float) config.iqlExpectile(),
                            (float) config.iqlBeta(),
                            config.iqlCritics());
            case BCQ -> new BcqLoss(f, delta, (float) config.bcqThreshold());
            case BC -> new BcLoss();
            case A2C, REINFORCE, IMPALA ->
                    throw new IllegalArgumentException(
                            "trainer.algo "
                                    + config.algo()
                                    + " is a policy-gradient algorithm: it trains an actor-critic"
                                    + " on trajectory segments (io.replayflow.trainer.pg), not a"
                                    + " Q-network on transitions; choose dqn, double-dqn,"
                                    + " qr-dqn, cql, iql, bcq or bc here");
            case R2D2 ->
                    throw new IllegalArgumentException(
                            "trainer.algo r2d2 trains a recurrent Q-network on trajectory segments"
                                    + " (io.replayflow.trainer.r2d2), not on transitions; choose"
                                    + " dqn, double-dqn, qr-dqn, cql, iql, bcq or bc here");
        };
    }

    /** The algorithm this loss implements. */
    Algo algo();

    /**
     * The extra networks this loss trains beside the online one, by name, with their output width
     * (IQL: Q and V; BCQ: the imitation network); none by default. The graph builds each with
     * {@code trainer.network} and a target copy, and passes them in {@link LossInputs#aux}.
     */
    default Map<String, Integer> auxiliaryOutputs(int numActions) {
        return Map.of();
    }

    /**
     * The action the trained policy takes, {@code [batch]}, from the online outputs {@code q}
     * ({@code [batch, numActions]}) at observations {@code obs}: {@code argmax_a q(s, a)} by
     * default (first maximum on ties); BCQ restricts it to the actions its imitation network
     * allows. The trainer's greedy inference and the exported artifact act with it.
     */
    default Operand<TInt64> greedyAction(
            Ops tf, Operand<TFloat32> q, Map<String, AuxNetwork> aux, Operand<TFloat32> obs) {
        return tf.math.argMax(q, tf.constant(1), TInt64.class);
    }
}
