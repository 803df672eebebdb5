/**
 * Backfill: the replay-store operators in Flink's BATCH runtime mode over a range of the experience
 * log ({@link io.replayflow.replay.backfill.Backfill}), publishing the dataset atomically ({@link
 * io.replayflow.replay.backfill.DatasetSwap}).
 */
package io.replayflow.replay.backfill;
