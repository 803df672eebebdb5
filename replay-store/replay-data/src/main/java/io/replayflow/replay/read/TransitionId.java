package io.replayflow.replay.read;

/**
 * The identity of a transition, (actor, episode, step), with its env: what a {@code PriorityUpdate}
 * names so the job finds the row again.
 */
public record TransitionId(String envId, String actorId, String episodeId, long step) {}
