/**
 * The losses, one class each with the formula in its Javadoc: {@link
 * io.replayflow.trainer.algo.DqnLoss}, {@link io.replayflow.trainer.algo.DoubleDqnLoss} (overrides
 * the bootstrap value), {@link io.replayflow.trainer.algo.CqlLoss} (adds the conservative term),
 * {@link io.replayflow.trainer.algo.BcLoss} (behaviour cloning: cross-entropy of the logged
 * action). Each returns its named parts ({@link io.replayflow.trainer.algo.LossParts}).
 */
package io.replayflow.trainer.algo;
