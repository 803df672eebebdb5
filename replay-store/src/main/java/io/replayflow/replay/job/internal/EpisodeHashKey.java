package io.replayflow.replay.job.internal;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.replayflow.replay.row.ReplayRow;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * A backfill's episode key: a 64-bit XXH3 hash of (actor id, episode id). BATCH mode sorts a keyed
 * input by the key's serialized bytes; a fixed-length key lets Flink's sorter compare normalized
 * keys (key and timestamp in the sort index itself, {@code FixedLengthByteKeyComparator}) instead
 * of reading every compared record's variable-length bytes ({@link SortedEpisodeKey}).
 *
 * <p>Two episodes whose hashes tie would share one key, and with it the enrichment's buffer. That
 * is not left to chance: the enrichment behind this key checks that a key holds one episode ({@link
 * EpisodeRunCheck}) and fails with {@link EpisodeRunCheck#COLLISION} otherwise, and the backfill
 * then reruns with the exact key. Streaming keeps the plain string key, whose key groups its
 * savepoints hold.
 */
public final class EpisodeHashKey implements KeySelector<ReplayRow, Long> {

    private static final long serialVersionUID = 1L;

    private static final Hasher64 XXH3 = Hashing.xxh3_64();

    public static final TypeInformation<Long> TYPE = Types.LONG;

    /** The key a backfill uses. */
    public static final EpisodeHashKey FULL = new EpisodeHashKey(-1L);

    private final long mask;

    /**
     * @param mask the hash bits kept: -1 keeps all; fewer bits make ties likely (tests of the
     *     collision path)
     */
    public EpisodeHashKey(long mask) {
        this.mask = mask;
    }

    @Override
    public Long getKey(ReplayRow row) {
        return hash(row.actorId, row.episodeId);
    }

    /** The key of an episode. */
    public long hash(String actorId, String episodeId) {
        return XXH3.hashLongLongToLong(
                        XXH3.hashCharsToLong(actorId), XXH3.hashCharsToLong(episodeId))
                & mask;
    }
}
