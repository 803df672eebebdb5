package io.replayflow.replay.episode;

/**
 * The key an episode's records share across the job: actor and episode id (a transition's identity
 * without the step). Kafka keys keep an episode in one partition; Flink keys keep it in one
 * subtask.
 */
public final class EpisodeKeys {

    private static final char SEPARATOR = '\u001f';

    private EpisodeKeys() {}

    public static String of(String actorId, String episodeId) {
        return actorId + SEPARATOR + episodeId;
    }
}
