package io.replayflow.replay.job.internal;

import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.row.ReplayRow;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * A backfill's episode key: (hash, {@link EpisodeKeys} string). In BATCH mode Flink sorts a keyed
 * input by the key's serialized bytes; the string alone ({@code actor-3␟ep-17}) makes most
 * comparisons walk a shared prefix byte by byte, while a leading hash tells two episodes apart in
 * its first bytes. The string stays in the key, so two episodes whose hashes tie are still two
 * keys. Streaming keeps the plain string key, whose key groups its savepoints hold.
 */
public final class SortedEpisodeKey implements KeySelector<ReplayRow, Tuple2<Long, String>> {

    private static final long serialVersionUID = 1L;

    public static final TypeInformation<Tuple2<Long, String>> TYPE =
            Types.TUPLE(Types.LONG, Types.STRING);

    @Override
    public Tuple2<Long, String> getKey(ReplayRow row) {
        long hash =
                ((long) row.episodeId.hashCode() << 32) ^ (row.actorId.hashCode() & 0xffffffffL);
        return Tuple2.of(hash, EpisodeKeys.of(row.actorId, row.episodeId));
    }
}
