/**
 * Trainer checkpoints: TensorFlow variables (networks, Adam slots, global step) plus {@link
 * io.replayflow.trainer.checkpoint.TrainerState} (schedules, counters, sampler RNG), saved
 * atomically by {@link io.replayflow.trainer.checkpoint.CheckpointStore}.
 */
package io.replayflow.trainer.checkpoint;
