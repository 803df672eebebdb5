/**
 * Training data: the {@link io.replayflow.trainer.data.BatchSource} contract, the reusable {@link
 * io.replayflow.trainer.data.TrainingBatch}, in-memory columns with n-step targets and a
 * sampler-backed source ({@link io.replayflow.trainer.data.ArrayBatchSource}), and the source over
 * Parquet replay datasets and the experience log ({@link
 * io.replayflow.trainer.data.ReplayDatasetSource}).
 */
package io.replayflow.trainer.data;
