/**
 * The ReplayFlow trainer: {@link io.replayflow.trainer.Trainer} (one gradient step per {@code
 * Session.run}), {@link io.replayflow.trainer.TrainLoop} (metrics, checkpoints, progress around
 * it), and the typed configuration ({@link io.replayflow.trainer.TrainerOptions}, {@link
 * io.replayflow.trainer.TrainerConfig}).
 */
package io.replayflow.trainer;
