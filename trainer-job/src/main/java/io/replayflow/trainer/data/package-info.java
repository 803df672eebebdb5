/**
 * Training data: the {@link io.replayflow.trainer.data.BatchSource} contract, the reusable {@link
 * io.replayflow.trainer.data.TrainingBatch}, in-memory columns with n-step targets and a
 * sampler-backed source ({@link io.replayflow.trainer.data.ArrayBatchSource}).
 */
package io.replayflow.trainer.data;
