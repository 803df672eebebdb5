package io.replayflow.replay.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SegmentQueueTest {

    private static final SegmentWindow MINUTE = new SegmentWindow(Duration.ofMinutes(1), 2);

    /** A one-step segment acted at {@code timeMs} by {@code version}. */
    private static Segment segment(String id, long timeMs, long version) {
        Segment s = new Segment(id, 1, 1);
        s.eventTimeMs[0] = timeMs;
        s.policyVersions[0] = version;
        s.markSeen(0);
        return s;
    }

    @Test
    void handsOutOldestFirstAndEachOnceByDefault() {
        SegmentQueue q = new SegmentQueue(1, MINUTE);
        q.add(segment("s0", 0, 0));
        q.add(segment("s1", 1, 0));
        q.add(segment("s2", 2, 0));
        assertThat(q.take(2, 10, 0)).extracting(s -> s.id).containsExactly("s0", "s1");
        assertThat(q.take(2, 10, 0)).isEmpty(); // one left: fewer than asked, nothing consumed
        assertThat(q.take(1, 10, 0)).extracting(s -> s.id).containsExactly("s2");
        assertThat(q.size()).isZero();
        assertThat(q.served()).isEqualTo(3);
    }

    @Test
    void unusedSegmentsComeBeforeReusedOnesUpToMaxUses() {
        SegmentQueue q = new SegmentQueue(2, MINUTE);
        q.add(segment("s0", 0, 0));
        q.add(segment("s1", 1, 0));
        assertThat(q.take(1, 10, 0)).extracting(s -> s.id).containsExactly("s0");
        q.add(segment("s2", 2, 0));
        // s1 and s2 were never used: they come before s0's second use
        assertThat(q.take(2, 10, 0)).extracting(s -> s.id).containsExactly("s1", "s2");
        assertThat(q.take(3, 10, 0)).extracting(s -> s.id).containsExactly("s0", "s1", "s2");
        assertThat(q.take(1, 10, 0)).isEmpty(); // every segment used twice
        assertThat(q.served()).isEqualTo(6);
    }

    @Test
    void segmentsOlderThanTheMaxAgeAreDropped() {
        SegmentQueue q = new SegmentQueue(1, MINUTE);
        q.add(segment("old", 0, 0));
        q.add(segment("new", 30_000, 0));
        // at 60 001 ms "old" is 60 001 ms old, past the minute; "new" is 30 001 ms old
        assertThat(q.take(1, 60_001, 0)).extracting(s -> s.id).containsExactly("new");
        assertThat(q.dropped()).isEqualTo(1);
    }

    @Test
    void segmentsLaggingTheLearnerByMoreThanMaxVersionLagAreDropped() {
        SegmentQueue q = new SegmentQueue(1, MINUTE);
        q.add(segment("v1", 0, 1));
        q.add(segment("v3", 1, 3));
        // learner at version 4: v1 lags by 3 > 2, v3 by 1
        assertThat(q.take(1, 10, 4)).extracting(s -> s.id).containsExactly("v3");
        assertThat(q.dropped()).isEqualTo(1);
    }

    @Test
    void unknownLearnerVersionDropsNothingByVersion() {
        SegmentQueue q = new SegmentQueue(1, MINUTE);
        q.add(segment("v9", 0, 9));
        assertThat(q.take(1, 10, Long.MIN_VALUE)).hasSize(1);
    }

    @Test
    void badSettingsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> new SegmentQueue(0, MINUTE))
                .hasMessage("segment max uses is 0; it must be >= 1 (1: on-policy)");
        assertThatThrownBy(() -> new SegmentWindow(Duration.ZERO, 1))
                .hasMessage("segment window max age is PT0S; it must be > 0 (e.g. 60s)");
        assertThatThrownBy(() -> new SegmentWindow(Duration.ofSeconds(1), -1))
                .hasMessageContaining("max version lag is -1; it must be >= 0");
    }
}
