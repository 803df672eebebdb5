/**
 * Following a compacted control topic: {@link io.replayflow.actor.follow.CompactedTopicFollower}
 * owns the consumer, its thread, the catch-up to the topic's end at start, the retries and the
 * shutdown, and the consumer settings every reader of those topics uses. Its readers give the
 * records their meaning: {@link io.replayflow.actor.swap.PolicyFollower} ({@code rf.policies}) and
 * {@link io.replayflow.actor.assign.AssignmentFollower} ({@code rf.policy.assignments}).
 */
package io.replayflow.actor.follow;
