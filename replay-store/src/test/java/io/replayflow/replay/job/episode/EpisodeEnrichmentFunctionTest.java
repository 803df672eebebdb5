package io.replayflow.replay.job.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.episode.EpisodePlacement;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The enrichment operator with its state and timers, in Flink's operator test harness. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EpisodeEnrichmentFunctionTest {

    private static final long IDLE_MS = 60_000;
    private static final long LATENESS_MS = 3_600_000;
    private static final KeySelector<ReplayRow, String> BY_EPISODE =
            r -> EpisodeKeys.of(r.actorId, r.episodeId);

    private static KeyedOneInputStreamOperatorTestHarness<String, ReplayRow, ReplayRow> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new EpisodeEnrichmentFunction(3, 0.5, IDLE_MS, LATENESS_MS)),
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

    @Test
    void writesAnEpisodeAtItsLastStepWithTargetsAndPlacement() throws Exception {
        try (var h = harness()) {
            h.open();
            List<Transition> steps =
                    Transitions.episode("CartPole-v1", "a", "e", 5, 1_000, 10, true, false, 0, 4);
            feed(h, steps.subList(0, 4));
            assertThat(h.extractOutputValues()).isEmpty();
            feed(h, steps.subList(4, 5));
            List<ReplayRow> rows = h.extractOutputValues();
            assertThat(rows).extracting(r -> r.step).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(rows)
                    .extracting(r -> r.nStepReturn)
                    .containsExactly(2.75f, 4.5f, 6.25f, 6.5f, 5.0f);
            assertThat(rows)
                    .extracting(r -> r.bootstrapCut)
                    .containsExactly(false, false, true, true, true);
            assertThat(rows.get(0).returnToGo).isEqualTo(3.5625f);
            var placements = h.getSideOutput(EpisodeEnrichmentFunction.PLACEMENTS);
            assertThat(placements).hasSize(1);
            EpisodePlacement p = placements.peek().getValue();
            assertThat(p.partition).isEqualTo("env_id=CartPole-v1/date=1970-01-01/hour=00");
            assertThat(p.fromStep).isZero();
            assertThat(p.toStep).isEqualTo(4);
            assertThat(p.rows).isEqualTo(5);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void flushesAnIdleEpisodeOpenWithoutReturnToGo() throws Exception {
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(0);
            feed(
                    h,
                    Transitions.episode(
                            "CartPole-v1", "a", "open", 3, 1_000, 10, false, false, 0, 4));
            h.setProcessingTime(IDLE_MS - 1);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(IDLE_MS);
            List<ReplayRow> rows = h.extractOutputValues();
            assertThat(rows).hasSize(3);
            assertThat(rows).allMatch(r -> !r.episodeComplete && Float.isNaN(r.returnToGo));
            assertThat(rows).allMatch(r -> !r.bootstrapCut);
            // the tail bootstraps from the last next_obs seen, with gamma^k for k < n
            assertThat(rows.get(2).bootstrapDiscount).isEqualTo(0.5f);
            assertThat(rows.get(2).bootstrapObs[0]).isEqualTo(30f);
        }
    }

    @Test
    void keepsTheFirstCopyOfADuplicateStep() throws Exception {
        try (var h = harness()) {
            h.open();
            List<Transition> steps =
                    Transitions.episode("CartPole-v1", "a", "e", 2, 1_000, 10, false, true, 0, 4);
            feed(h, steps.subList(0, 1));
            feed(h, steps.subList(0, 1));
            feed(h, steps.subList(1, 2));
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void dropsRowsOlderThanTheWatermarkMinusTheAllowedLateness() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processWatermark(10 * LATENESS_MS);
            feed(
                    h,
                    Transitions.episode(
                            "CartPole-v1", "a", "old", 3, LATENESS_MS, 10, true, false, 0, 4));
            feed(
                    h,
                    Transitions.episode(
                            "CartPole-v1",
                            "a",
                            "new",
                            2,
                            9 * LATENESS_MS + 1,
                            10,
                            true,
                            false,
                            0,
                            4));
            assertThat(h.extractOutputValues()).extracting(r -> r.episodeId).containsOnly("new");
        }
    }

    @Test
    void bufferedStepsSurviveARestoreFromASnapshot() throws Exception {
        List<Transition> steps =
                Transitions.episode("CartPole-v1", "a", "e", 4, 1_000, 10, true, false, 0, 4);
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            feed(h, steps.subList(0, 3));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            feed(restored, steps.subList(3, 4));
            List<ReplayRow> rows = restored.extractOutputValues();
            assertThat(rows).extracting(r -> r.step).containsExactly(0L, 1L, 2L, 3L);
            assertThat(rows.get(0).returnToGo).isEqualTo(1 + 0.5f * (2 + 0.5f * (3 + 0.5f * 4)));
        }
    }
}
