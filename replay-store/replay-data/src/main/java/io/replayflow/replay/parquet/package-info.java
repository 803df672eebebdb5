/**
 * Parquet plumbing shared by the job and the reader: files through Flink's FileSystem, and a column
 * cursor over parquet's low-level column API.
 */
package io.replayflow.replay.parquet;
