package io.replayflow.replay.job.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.replay.row.ReplayRow;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EpisodeHashKeyTest {

    private static ReplayRow row(String actor, String episode) {
        ReplayRow r = new ReplayRow();
        r.actorId = actor;
        r.episodeId = episode;
        return r;
    }

    @Test
    void theKeyIsFixedLengthSoBatchSortsItAsANormalizedKey() {
        TypeSerializer<Long> serializer =
                EpisodeHashKey.TYPE.createSerializer(new SerializerConfigImpl());
        assertThat(serializer.getLength()).isEqualTo(8);
    }

    @Test
    void anEpisodeAlwaysGetsTheSameKeyAndTheIdsDoNotRunTogether() {
        EpisodeHashKey key = EpisodeHashKey.FULL;
        assertThat(key.getKey(row("actor-1", "ep-7")))
                .isEqualTo(key.getKey(row(new String("actor-1"), new String("ep-7"))));
        // concatenating the ids would make these one key
        assertThat(key.hash("actor-1", "ep-7")).isNotEqualTo(key.hash("actor-1e", "p-7"));
        assertThat(key.hash("a", "b")).isNotEqualTo(key.hash("b", "a"));
    }

    @Test
    void noTiesAmongManyEpisodesOfFewActors() {
        EpisodeHashKey key = EpisodeHashKey.FULL;
        Map<Long, String> seen = new HashMap<>();
        for (int a = 0; a < 16; a++) {
            for (int e = 0; e < 50_000; e++) {
                String id = "actor-" + a + "/ep-" + e;
                assertThat(seen.put(key.hash("actor-" + a, "ep-" + e), id)).as(id).isNull();
            }
        }
    }

    @Test
    void adjacentRowsOfOneEpisodeOrOfEpisodesWithDistinctKeysPass() {
        EpisodeRunCheck check = new EpisodeRunCheck(EpisodeHashKey.FULL);
        assertThatCode(
                        () -> {
                            check.check(row("a", "e1"));
                            check.check(row("a", "e1"));
                            check.check(row("a", "e2"));
                            check.check(row("b", "e2"));
                            check.check(row("a", "e1")); // another key again: not a tie
                        })
                .doesNotThrowAnyException();
    }

    @Test
    void twoEpisodesOnOneKeyFailNamingBoth() {
        // 4 bits of hash: among 64 episodes some two must tie
        EpisodeHashKey fewBits = new EpisodeHashKey(0xfL);
        Map<Long, String> byKey = new HashMap<>();
        String first = null;
        String second = null;
        for (int e = 0; e < 64 && second == null; e++) {
            String previous = byKey.putIfAbsent(fewBits.hash("a", "ep-" + e), "ep-" + e);
            if (previous != null) {
                first = previous;
                second = "ep-" + e;
            }
        }
        EpisodeRunCheck check = new EpisodeRunCheck(fewBits);
        check.check(row("a", first));
        String tied = second;
        assertThatThrownBy(() -> check.check(row("a", tied)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(EpisodeRunCheck.COLLISION)
                .hasMessageContaining(first)
                .hasMessageContaining(tied);
    }

    @Test
    void theCheckFindsEveryTieInKeySortedInput() {
        // rows grouped by key, as BATCH delivers them: the check fails exactly when a key holds
        // two episodes
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            EpisodeHashKey key = new EpisodeHashKey(0x3fL);
            int episodes = 1 + rng.nextInt(12);
            Map<Long, java.util.List<String>> byKey = new java.util.TreeMap<>();
            for (int e = 0; e < episodes; e++) {
                String id = "ep-" + rng.nextInt(1_000_000);
                byKey.computeIfAbsent(key.hash("a", id), k -> new java.util.ArrayList<>());
                if (!byKey.get(key.hash("a", id)).contains(id)) {
                    byKey.get(key.hash("a", id)).add(id);
                }
            }
            boolean tie = byKey.values().stream().anyMatch(ids -> ids.size() > 1);
            EpisodeRunCheck check = new EpisodeRunCheck(key);
            boolean failed = false;
            try {
                for (java.util.List<String> ids : byKey.values()) {
                    for (int step = 0; step < 3; step++) {
                        for (String id : ids) { // a key's episodes interleave by time
                            check.check(row("a", id));
                        }
                    }
                }
            } catch (IllegalStateException e) {
                failed = true;
            }
            assertThat(failed).as("trial %d", trial).isEqualTo(tie);
        }
    }
}
