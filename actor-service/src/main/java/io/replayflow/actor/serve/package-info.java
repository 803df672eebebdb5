/**
 * The decision service ({@code replayflow serve}): applications outside the JVM ask for actions
 * over HTTP/JSON, report rewards and session ends later; every decision and outcome is logged to
 * Kafka ({@code rf.decisions}, {@code rf.outcomes}) for the join job in ingest to turn into
 * transitions. Policy loading and hot-swap are the actors' ({@code io.replayflow.policy}, {@link
 * io.replayflow.actor.swap.PolicyFollower}).
 */
package io.replayflow.actor.serve;
