/**
 * Following a policy's assignment: {@link io.replayflow.policy.assign.PolicyRouter} gives each
 * episode or session the champion or the canary by {@link
 * io.replayflow.policy.assign.CanarySplit}'s stable hash and keeps it to the episode's end.
 */
package io.replayflow.policy.assign;
