package io.replayflow.replay.job.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The enrichment operator building a segment dataset (T = 3), in Flink's operator test harness:
 * when segments are written and how they end at episode boundaries.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentEnrichmentTest {

    private static final int T = 3;
    private static final long IDLE_MS = 60_000;
    private static final KeySelector<ReplayRow, String> BY_EPISODE =
            r -> EpisodeKeys.of(r.actorId, r.episodeId);

    private static KeyedOneInputStreamOperatorTestHarness<String, ReplayRow, ReplayRow> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new EpisodeEnrichmentFunction(3, 0.5, IDLE_MS, 3_600_000, T)),
                BY_EPISODE,
                Types.STRING);
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, ReplayRow, ReplayRow> h,
            List<Transition> steps)
            throws Exception {
        for (Transition t : steps) {
            h.processElement(new StreamRecord<>(ReplayRow.fromTransition(t), t.getEventTimeMs()));
        }
    }

    private static List<Transition> episode(String id, int length, boolean term, boolean trunc) {
        return Transitions.episode("CartPole-v1", "a", id, length, 1_000, 10, term, trunc, 0, 4);
    }

    @Test
    void writesASegmentAsSoonAsTStepsArrivedNotAtTheEpisodesEnd() throws Exception {
        try (var h = harness()) {
            h.open();
            List<Transition> steps = episode("e", 7, true, false);
            feed(h, steps.subList(0, 2));
            assertThat(h.extractOutputValues()).isEmpty();
            feed(h, steps.subList(2, 3));
            assertThat(h.extractOutputValues())
                    .extracting(r -> r.segmentStep)
                    .containsExactly(0, 1, 2);
            feed(h, steps.subList(3, 7)); // 3-5 at T, then 6 terminates: a one-step segment
            List<ReplayRow> rows = h.extractOutputValues();
            assertThat(rows).extracting(r -> r.step).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(rows).extracting(r -> r.segmentLength).containsExactly(3, 3, 3, 3, 3, 3, 1);
            assertThat(rows.get(6).terminated).isTrue();
            assertThat(rows.get(6).segmentId).endsWith("\u001f6");
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void truncatedEpisodeShorterThanTIsOneShortSegment() throws Exception {
        try (var h = harness()) {
            h.open();
            feed(h, episode("e", 2, false, true));
            List<ReplayRow> rows = h.extractOutputValues();
            assertThat(rows).extracting(r -> r.segmentLength).containsExactly(2, 2);
            assertThat(rows.get(1).truncated).isTrue();
        }
    }

    @Test
    void idleFlushWritesTheOpenRemainderAsAShortSegmentWithNoEndFlag() throws Exception {
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(0);
            feed(h, episode("open", 5, false, false));
            assertThat(h.extractOutputValues()).hasSize(3); // the first T
            h.setProcessingTime(IDLE_MS);
            List<ReplayRow> rows = h.extractOutputValues();
            assertThat(rows).hasSize(5);
            assertThat(rows.subList(3, 5)).extracting(r -> r.segmentLength).containsOnly(2);
            assertThat(rows.get(4).terminated || rows.get(4).truncated).isFalse();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
