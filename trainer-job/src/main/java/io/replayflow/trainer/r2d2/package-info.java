/**
 * R2D2 (Kapturowski et al., "Recurrent Experience Replay in Distributed Reinforcement Learning",
 * ICLR 2019): a recurrent Q-network ({@link io.replayflow.trainer.net.RecurrentQNetwork}) learned
 * from the trajectory segments of the policy-gradient loop, each segment's start state recomputed
 * over a burn-in prefix ({@link io.replayflow.trainer.pg.BurnInPrefixes}), with n-step Double DQN
 * targets ({@link io.replayflow.trainer.r2d2.R2d2Targets}) from a target network unrolled over the
 * same segment.
 */
package io.replayflow.trainer.r2d2;
