/**
 * The policy-gradient learner: an actor-critic trained on trajectory segments from a {@link
 * io.replayflow.replay.segment.SegmentSource} with A2C, REINFORCE or IMPALA's V-trace, its config,
 * the policy-lag and importance-ratio measurements, and the episode assembly REINFORCE needs.
 */
package io.replayflow.trainer.pg;
