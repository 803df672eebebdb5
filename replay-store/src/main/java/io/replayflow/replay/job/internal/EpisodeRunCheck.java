package io.replayflow.replay.job.internal;

import io.replayflow.replay.row.ReplayRow;

/**
 * Proves, row by row, that no {@link EpisodeHashKey} holds two episodes. In BATCH mode a keyed
 * operator receives each key's records together, so two episodes with one hash would show up as two
 * adjacent rows with equal hashes and different identities; adjacent rows of one episode (the
 * common case) cost two string comparisons and no hash.
 */
public final class EpisodeRunCheck {

    /** The message of the failure a tie raises; the backfill looks for it to rerun. */
    public static final String COLLISION = "two episodes share a 64-bit backfill key";

    private final EpisodeHashKey key;
    private String actorId;
    private String episodeId;
    private long hash;

    public EpisodeRunCheck(EpisodeHashKey key) {
        this.key = key;
    }

    /**
     * @throws IllegalStateException with {@link #COLLISION} when {@code row} has the previous row's
     *     key but another episode
     */
    public void check(ReplayRow row) {
        if (episodeId != null && row.episodeId.equals(episodeId) && row.actorId.equals(actorId)) {
            return;
        }
        long h = key.hash(row.actorId, row.episodeId);
        if (episodeId != null && h == hash) {
            throw new IllegalStateException(
                    COLLISION
                            + " (actor "
                            + actorId
                            + " episode "
                            + episodeId
                            + ", actor "
                            + row.actorId
                            + " episode "
                            + row.episodeId
                            + "); the backfill reruns with the exact (hash, id) key");
        }
        actorId = row.actorId;
        episodeId = row.episodeId;
        hash = h;
    }
}
