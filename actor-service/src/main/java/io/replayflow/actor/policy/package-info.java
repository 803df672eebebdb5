/**
 * The actor's behaviours around the policy runtime's batched {@link io.replayflow.policy.Policy}:
 * version 0 ({@link io.replayflow.actor.policy.RandomPolicy}), a hand-written CartPole policy, and
 * ε-greedy exploration with exact behaviour probabilities ({@link
 * io.replayflow.actor.policy.EpsilonGreedy}, {@link io.replayflow.actor.policy.EpsilonSchedule})
 * around a deterministic policy such as a TensorFlow SavedModel ({@link
 * io.replayflow.policy.savedmodel.SavedModelPolicy}).
 */
package io.replayflow.actor.policy;
