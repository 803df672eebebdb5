/**
 * The replay dataset's row: its Flink type ({@link io.replayflow.replay.row.ReplayRow}), its
 * Parquet columns ({@link io.replayflow.replay.row.ReplayColumns}) and its writers.
 */
package io.replayflow.replay.row;
