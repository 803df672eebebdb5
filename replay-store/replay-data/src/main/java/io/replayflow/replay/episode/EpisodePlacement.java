package io.replayflow.replay.episode;

/**
 * Where the enrichment wrote a run of an episode's rows: one partition, steps {@code fromStep ..
 * toStep} (inclusive; an episode that crosses an hour boundary has two). It routes the trainer's
 * priority updates (which name a transition but not its partition) and feeds the window's
 * per-partition counts. A Flink POJO.
 */
public class EpisodePlacement {

    public String envId;
    public String actorId;
    public String episodeId;

    /** Relative partition directory, {@code env_id=…/date=…/hour=…}. */
    public String partition;

    public long hourStartMs;
    public long fromStep;
    public long toStep;

    /** Rows written to the partition (steps may have gaps). */
    public long rows;

    public long maxEventTimeMs;

    public EpisodePlacement() {}

    public boolean covers(long step) {
        return step >= fromStep && step <= toStep;
    }

    public String episodeKey() {
        return EpisodeKeys.of(actorId, episodeId);
    }

    @Override
    public String toString() {
        return actorId + "/" + episodeId + " steps " + fromStep + ".." + toStep + " -> "
                + partition;
    }
}
