package io.replayflow.trainer.algo;

import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainerConfig;

/** A value-based loss built into a graph from one batch of replay columns. */
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
        };
    }

    /** The algorithm this loss implements. */
    Algo algo();
}
