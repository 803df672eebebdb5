package io.replayflow.trainer;

/**
 * The outcome of one gradient step.
 *
 * @param step the global step after this update (1 after the first)
 * @param totalLoss {@code td + conservative}
 * @param tdLoss importance-weighted mean TD loss
 * @param conservativeLoss the CQL term (alpha included); 0 for DQN and Double DQN
 * @param meanQ mean {@code Q(s, a)} over the batch
 * @param gradNorm global gradient norm before clipping
 * @param meanAbsTdError mean {@code |y - Q(s, a)|}, or NaN when TD errors were not fetched
 * @param targetUpdated whether the target network was updated after this step
 */
public record StepMetrics(
        long step,
        float totalLoss,
        float tdLoss,
        float conservativeLoss,
        float meanQ,
        float gradNorm,
        float meanAbsTdError,
        boolean targetUpdated) {}
