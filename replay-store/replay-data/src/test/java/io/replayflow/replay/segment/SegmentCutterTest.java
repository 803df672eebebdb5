package io.replayflow.replay.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.row.ReplayRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SegmentCutterTest {

    private static List<ReplayRow> episode(int length, boolean terminated, boolean truncated) {
        List<ReplayRow> rows = new ArrayList<>();
        Transitions.episode("CartPole-v1", "a", "e", length, 0, 10, terminated, truncated, 0, 4)
                .forEach(t -> rows.add(ReplayRow.fromTransition(t)));
        return rows;
    }

    private static String id(long firstStep) {
        return EpisodeKeys.of("a", "e") + '\u001f' + firstStep;
    }

    @Test
    void terminatedEpisodeEndsWithAShorterSegmentWhoseLastRowTerminates() {
        List<ReplayRow> rows = episode(7, true, false);
        assertThat(SegmentCutter.cut(rows, 3)).isEqualTo(3);
        // steps 0-2 | 3-5 | 6: the last segment holds one step, the terminating one
        assertThat(rows)
                .extracting(r -> r.segmentId)
                .containsExactly(id(0), id(0), id(0), id(3), id(3), id(3), id(6));
        assertThat(rows).extracting(r -> r.segmentStep).containsExactly(0, 1, 2, 0, 1, 2, 0);
        assertThat(rows).extracting(r -> r.segmentLength).containsExactly(3, 3, 3, 3, 3, 3, 1);
        assertThat(rows.get(6).terminated).isTrue();
        assertThat(rows.subList(0, 6)).noneMatch(r -> r.terminated || r.truncated);
    }

    @Test
    void truncatedEpisodeThatIsAMultipleOfTEndsWithAFullSegment() {
        List<ReplayRow> rows = episode(6, false, true);
        assertThat(SegmentCutter.cut(rows, 3)).isEqualTo(2);
        assertThat(rows).extracting(r -> r.segmentLength).containsOnly(3);
        assertThat(rows.get(5).segmentStep).isEqualTo(2);
        assertThat(rows.get(5).truncated).isTrue();
        assertThat(rows.get(5).terminated).isFalse();
    }

    @Test
    void episodeShorterThanTIsOneShortSegment() {
        List<ReplayRow> rows = episode(4, true, false);
        assertThat(SegmentCutter.cut(rows, 20)).isEqualTo(1);
        assertThat(rows).extracting(r -> r.segmentId).containsOnly(id(0));
        assertThat(rows).extracting(r -> r.segmentStep).containsExactly(0, 1, 2, 3);
        assertThat(rows).extracting(r -> r.segmentLength).containsOnly(4);
    }

    @Test
    void idleFlushedOpenEpisodeEndsWithAShortSegmentWithNoEndFlag() {
        List<ReplayRow> rows = episode(5, false, false); // flushed open after step 4
        assertThat(SegmentCutter.cut(rows, 3)).isEqualTo(2);
        assertThat(rows).extracting(r -> r.segmentLength).containsExactly(3, 3, 3, 2, 2);
        assertThat(rows.get(4).terminated || rows.get(4).truncated).isFalse();
    }

    @Test
    void laterFlushOfTheSameEpisodeStartsItsOwnSegmentAtItsFirstStep() {
        List<ReplayRow> rows = episode(8, true, false);
        List<ReplayRow> second = new ArrayList<>(rows.subList(5, 8)); // steps 5..7 arrive later
        SegmentCutter.cut(second, 3);
        assertThat(second).extracting(r -> r.segmentId).containsOnly(id(5));
    }

    @Test
    void segmentNeverCrossesAGapInTheSteps() {
        List<ReplayRow> rows = episode(6, true, false);
        rows.remove(2); // steps 0,1 | 3,4,5
        assertThat(SegmentCutter.cut(rows, 4)).isEqualTo(2);
        assertThat(rows)
                .extracting(r -> r.segmentId)
                .containsExactly(id(0), id(0), id(3), id(3), id(3));
        assertThat(rows).extracting(r -> r.segmentLength).containsExactly(2, 2, 3, 3, 3);
    }

    @Test
    void lengthBelowOneIsRefusedWithTheFix() {
        assertThatThrownBy(() -> SegmentCutter.cut(episode(3, true, false), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segment length is 0; it must be >= 1 (20 is usual)");
    }
}
