/**
 * The segment learners' shared home and the policy-gradient learner: {@link
 * io.replayflow.trainer.pg.SegmentLearnerBase} (graph and session, batch checks, burn-in start
 * states, counters, checkpoints) and {@link io.replayflow.trainer.pg.SegmentConfig} serve both the
 * actor-critic trained on trajectory segments from a {@link
 * io.replayflow.replay.segment.SegmentSource} with A2C, REINFORCE or IMPALA's V-trace ({@link
 * io.replayflow.trainer.pg.PolicyGradientLearner}) and R2D2 ({@code io.replayflow.trainer.r2d2});
 * also the policy-lag and importance-ratio measurements, and the episode assembly REINFORCE needs.
 */
package io.replayflow.trainer.pg;
