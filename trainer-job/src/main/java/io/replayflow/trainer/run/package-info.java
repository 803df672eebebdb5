/**
 * Running the trainer against Parquet data: {@link io.replayflow.trainer.run.TrainRunner} (the
 * offline {@code ./replayflow train}: one request in, one exported policy out) and {@link
 * io.replayflow.trainer.run.ContinuousTrainer} (trains on a live replay dataset and publishes a
 * version every N steps, for the demo).
 */
package io.replayflow.trainer.run;
