/**
 * Policies: a batched {@link io.replayflow.policy.Policy} interface, version 0 ({@link
 * io.replayflow.actor.policy.RandomPolicy}), TensorFlow SavedModels ({@link
 * io.replayflow.policy.savedmodel.SavedModelPolicy}), and ε-greedy exploration with exact behaviour
 * probabilities ({@link io.replayflow.actor.policy.EpsilonGreedy}, {@link
 * io.replayflow.actor.policy.EpsilonSchedule}).
 */
package io.replayflow.actor.policy;
