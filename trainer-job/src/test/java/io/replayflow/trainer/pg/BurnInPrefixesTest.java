package io.replayflow.trainer.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.segment.SegmentBatch;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which observations become each segment's burn-in prefix, and where (pure logic). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BurnInPrefixesTest {

    private static final int T = 3, K = 4;

    /** Segments of one observation each, obs = the episode step; {@code valid} steps each. */
    private static SegmentBatch batch(String[] keys, long[] firsts, int[] valid) {
        SegmentBatch b = SegmentBatch.allocate(keys.length, T, 1);
        for (int s = 0; s < keys.length; s++) {
            b.episodeKeys()[s] = keys[s];
            b.firstSteps()[s] = firsts[s];
            for (int t = 0; t < valid[s]; t++) {
                b.obs()[b.index(s, t)] = firsts[s] + t;
                b.valid()[b.index(s, t)] = 1f;
            }
        }
        return b;
    }

    @Test
    void aSegmentGetsItsEpisodesLastStepsRightAlignedEvenFromTheSameBatch() {
        BurnInPrefixes p = new BurnInPrefixes(K, T, 1, 10);
        // episode "a" steps 0-2 and 3-5 in one batch, then 6-8
        BurnInPrefixes.Prefixes first =
                p.next(batch(new String[] {"a", "a"}, new long[] {0, 3}, new int[] {3, 3}));
        assertThat(first.any()).isTrue();
        // segment 0 starts the episode: nothing; segment 1: steps 0, 1, 2 right-aligned
        assertThat(first.mask()).containsExactly(0f, 0f, 0f, 0f, 0f, 1f, 1f, 1f);
        assertThat(Arrays.copyOfRange(first.obs(), 4, 8)).containsExactly(0f, 0f, 1f, 2f);
        BurnInPrefixes.Prefixes second =
                p.next(batch(new String[] {"a"}, new long[] {6}, new int[] {2}));
        assertThat(second.mask()).containsExactly(1f, 1f, 1f, 1f);
        assertThat(second.obs()).containsExactly(2f, 3f, 4f, 5f); // the last K steps
        assertThat(p.zeroStateSegments()).isZero();
    }

    @Test
    void anUnknownOrUnplacedSegmentStartsFromZerosAndIsCounted() {
        BurnInPrefixes p = new BurnInPrefixes(K, T, 1, 10);
        // "b" first seen at step 6; a segment from outside a dataset has no key
        BurnInPrefixes.Prefixes none =
                p.next(
                        batch(
                                new String[] {"b", null},
                                new long[] {6, SegmentBatch.UNKNOWN_STEP},
                                new int[] {3, 3}));
        assertThat(none.any()).isFalse();
        assertThat(none.mask()).containsOnly(0f);
        assertThat(p.zeroStateSegments()).isEqualTo(2);
        // a gap in "b" (steps 9-11 never served): 12 finds nothing either
        p.next(batch(new String[] {"b"}, new long[] {12}, new int[] {3}));
        assertThat(p.zeroStateSegments()).isEqualTo(3);
        assertThat(p.remembered("b")).containsExactly(12L, 15L);
    }

    @Test
    void aSegmentServedAgainFindsTheSamePrefixAndOldEpisodesAreForgotten() {
        BurnInPrefixes p = new BurnInPrefixes(K, T, 1, 2);
        p.next(batch(new String[] {"a", "a"}, new long[] {0, 3}, new int[] {3, 3}));
        BurnInPrefixes.Prefixes again =
                p.next(batch(new String[] {"a"}, new long[] {3}, new int[] {3}));
        assertThat(again.obs()).containsExactly(0f, 0f, 1f, 2f);
        assertThat(p.remembered("a")).containsExactly(0L, 6L); // not appended twice
        // two more episodes: "a" is the least recently used of three, so forgotten
        p.next(batch(new String[] {"x", "y"}, new long[] {0, 0}, new int[] {1, 1}));
        assertThat(p.episodes()).isEqualTo(2);
        assertThat(p.remembered("a")).isEmpty();
    }
}
