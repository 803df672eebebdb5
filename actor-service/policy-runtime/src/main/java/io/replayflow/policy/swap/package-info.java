/**
 * Hot-swap with reference counting: a {@link io.replayflow.policy.swap.PolicyHolder} swaps to a
 * newer {@link io.replayflow.policy.swap.PolicyRef}, and the old version closes when its last user
 * lets go.
 */
package io.replayflow.policy.swap;
