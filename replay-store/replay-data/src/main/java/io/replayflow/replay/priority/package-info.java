/**
 * Priorities as data, without Flink: {@link io.replayflow.replay.priority.Priorities} (the one
 * formula from a TD error to a priority, and a walk through the whole path), a validated update
 * ({@link io.replayflow.replay.priority.PriorityEntry}, {@link
 * io.replayflow.replay.priority.PriorityRejection}) and the compacted priority file format ({@link
 * io.replayflow.replay.priority.PriorityFile}) that the job writes and the reader applies. The
 * job's operators that route, merge and persist updates live in {@code
 * io.replayflow.replay.job.priority}.
 */
package io.replayflow.replay.priority;
