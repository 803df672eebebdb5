/**
 * On-policy trajectory segments for the policy-gradient family (A2C, REINFORCE, IMPALA's V-trace):
 * the {@link io.replayflow.replay.segment.SegmentBatch} a learner consumes and the {@link
 * io.replayflow.replay.segment.SegmentSource} that fills it from a segment dataset, read FIFO with
 * a bounded number of uses per segment. Segments are cut by the replay-store job, never by the
 * trainer.
 */
package io.replayflow.replay.segment;
