/**
 * Hot-swap: {@link io.replayflow.actor.swap.PolicyFollower} reads {@code rf.policies}, {@link
 * io.replayflow.policy.load.PolicyLoader} verifies (checksum, spec, warm-up) and loads, and each
 * actor's {@link io.replayflow.policy.swap.PolicyHolder} swaps atomically between vector steps,
 * never to an older version, closing a replaced model when its last user lets go ({@link
 * io.replayflow.policy.swap.PolicyRef}).
 */
package io.replayflow.actor.swap;
