package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;

/**
 * A loss over a network with one output per action, built into a graph from one batch of replay
 * columns: the value-based ones ({@link DqnLoss} and its subclasses) and behaviour cloning ({@link
 * BcLoss}, whose outputs are logits).
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
            case CQL -> new CqlLoss(f, delta, (float) config.cqlAlpha());
            case BC -> new BcLoss();
        };
    }

    /** The algorithm this loss implements. */
    Algo algo();
}
