/**
 * Following {@code rf.policies}: {@link io.replayflow.actor.swap.PolicyFollower} reads the topic
 * and hands each newer version to the policy runtime ({@link
 * io.replayflow.policy.load.PolicyLoader} verifies and loads; each actor's {@link
 * io.replayflow.policy.swap.PolicyHolder} swaps between vector steps, closing a replaced model when
 * its last user lets go). {@link io.replayflow.actor.swap.EnvPolicySpec} tells the runtime what an
 * environment needs of a policy.
 */
package io.replayflow.actor.swap;
