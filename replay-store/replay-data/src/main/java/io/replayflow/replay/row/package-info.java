/**
 * The replay dataset's row: its type ({@link io.replayflow.replay.row.ReplayRow}), its Parquet
 * columns ({@link io.replayflow.replay.row.ReplayColumns}) and its writers ({@link
 * io.replayflow.replay.row.ReplayRowParquet}). The job's Flink bulk-writer factory for these rows
 * lives in {@code io.replayflow.replay.job.sink}.
 */
package io.replayflow.replay.row;
