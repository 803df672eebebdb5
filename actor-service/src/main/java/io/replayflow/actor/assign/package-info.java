/**
 * Policy assignments on the actors' side: {@link io.replayflow.actor.assign.AssignmentFollower}
 * follows {@code rf.policy.assignments} into the policy runtime's router; {@link
 * io.replayflow.actor.assign.AssignmentLog} reads and writes assignments and their history for the
 * CLI and the controller.
 */
package io.replayflow.actor.assign;
