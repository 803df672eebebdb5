/**
 * A column cursor over parquet's low-level column API, for the reader's block loads. Files reach
 * Parquet through {@code io.replayflow.log.parquet} (experience-log module).
 */
package io.replayflow.replay.parquet;
