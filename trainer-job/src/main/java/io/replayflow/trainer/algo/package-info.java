/**
 * The losses, one class each with the formula in its Javadoc: {@link
 * io.replayflow.trainer.algo.DqnLoss}, {@link io.replayflow.trainer.algo.DoubleDqnLoss} (overrides
 * the bootstrap value), {@link io.replayflow.trainer.algo.CqlLoss} (adds the conservative term),
 * {@link io.replayflow.trainer.algo.BcLoss} (behaviour cloning: cross-entropy of the logged
 * action), {@link io.replayflow.trainer.algo.IqlLoss} (expectile value, advantage-weighted policy)
 * and {@link io.replayflow.trainer.algo.BcqLoss} (overrides the bootstrap value with an
 * imitation-filtered argmax). Extra networks a loss needs are {@link
 * io.replayflow.trainer.algo.AuxNetwork}s; scalars with their own optimizer (CQL's automatic alpha)
 * are {@link io.replayflow.trainer.algo.SideObjective}s. Each returns its named parts ({@link
 * io.replayflow.trainer.algo.LossParts}).
 */
package io.replayflow.trainer.algo;
