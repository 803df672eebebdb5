/**
 * Initial priorities from the latest published policy: the job follows {@code rf.policies}, loads
 * each verified artifact with TensorFlow Java and scores new rows in batches by their n-step TD
 * error ({@link io.replayflow.replay.scoring.TdPriority}). Without a policy, rows keep the running
 * max priority ({@link io.replayflow.replay.job.priority.InitialPriorityFunction}).
 */
package io.replayflow.replay.scoring;
