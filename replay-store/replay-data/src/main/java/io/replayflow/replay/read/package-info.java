/**
 * The reader the trainer samples from: {@link io.replayflow.replay.read.ReplayDataset} opens a
 * replay dataset or the experience log, loads committed Parquet files into primitive columns,
 * refreshes incrementally and fills reusable {@link io.replayflow.replay.read.ReplayBatch}es.
 * Plumbing lives in {@code read.internal}, which other modules do not import.
 */
package io.replayflow.replay.read;
