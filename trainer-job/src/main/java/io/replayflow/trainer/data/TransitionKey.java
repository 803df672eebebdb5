package io.replayflow.trainer.data;

/** The identity of a logged transition, as {@code PriorityUpdate}s name it. */
public record TransitionKey(String envId, String actorId, String episodeId, long step) {}
