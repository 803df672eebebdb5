package io.replayflow.replay.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.data.testing.ExperienceFiles;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.row.ReplayRow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The reader over real Parquet files written as the job's sink writes them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentDatasetTest {

    private static final long T0 = Instant.parse("2026-12-05T10:00:00Z").toEpochMilli();

    @TempDir Path root;

    private static List<ReplayRow> cut(
            String episode, int length, boolean terminated, boolean truncated, int t) {
        List<ReplayRow> rows = new ArrayList<>();
        Transitions.episode(
                        "CartPole-v1", "a", episode, length, T0, 10, terminated, truncated, 3, 4)
                .forEach(x -> rows.add(ReplayRow.fromTransition(x)));
        SegmentCutter.cut(rows, t);
        return rows;
    }

    private Path file(String name) {
        PartitionPath p = PartitionPath.of("CartPole-v1", T0);
        return root.resolve(DatasetLayout.REPLAY_DIR)
                .resolve("seg")
                .resolve(p.relativePath())
                .resolve(name);
    }

    private SegmentDataset open(SegmentReadOptions options) {
        return SegmentDataset.open(root.toUri(), "seg", options);
    }

    private static SegmentReadOptions options(int t) {
        return SegmentReadOptions.defaults()
                .withLength(t)
                .withRefreshInterval(Duration.ZERO)
                .withClock(InstantSource.fixed(Instant.ofEpochMilli(T0 + 1_000)));
    }

    @Test
    void fillsStepsInOrderPadsShortSegmentsAndSetsTheBootstrap() {
        // 5 steps, terminated, T = 3: segments 0-2 (continues) and 3-4 (terminated, padded)
        ExperienceFiles.writeSegmentRows(file("part-0.parquet"), cut("e", 5, true, false, 3));
        try (SegmentDataset data = open(options(3))) {
            SegmentBatch b = data.next(2).orElseThrow();
            assertThat(b.size()).isEqualTo(2);
            assertThat(b.length()).isEqualTo(3);
            // obs[k] = step * 10 + k; first segment is steps 0, 1, 2
            assertThat(b.obs()[b.index(0, 2) * 4]).isEqualTo(20f);
            assertThat(b.obs()[b.index(1, 0) * 4 + 1]).isEqualTo(31f);
            assertThat(b.rewards()).containsExactly(1f, 2f, 3f, 4f, 5f, 0f);
            assertThat(b.valid()).containsExactly(1f, 1f, 1f, 1f, 1f, 0f);
            assertThat(b.terminated()).containsExactly(0f, 0f, 0f, 0f, 1f, 0f);
            assertThat(b.policyVersions()).containsExactly(3L, 3L, 3L, 3L, 3L, 0L);
            assertThat(b.eventTimeMs()[b.index(1, 1)]).isEqualTo(T0 + 40);
            // bootstrap = next_obs of the last valid step: step 2 -> 30..33, step 4 -> 50..53
            assertThat(b.bootstrapObs()).containsExactly(30f, 31f, 32f, 33f, 50f, 51f, 52f, 53f);
            assertThat(b.bootstrapAlive()).containsExactly(1f, 0f);
            // both segments are episode "e" of actor "a", starting at its steps 0 and 3
            assertThat(b.episodeKeys()[0]).isEqualTo(b.episodeKeys()[1]).contains("e");
            assertThat(b.firstSteps()).containsExactly(0L, 3L);
            assertThat(data.next(1)).isEmpty(); // each segment once by default
            assertThat(data.segmentsServed()).isEqualTo(2);
        }
    }

    @Test
    void truncatedSegmentStillBootstraps() {
        ExperienceFiles.writeSegmentRows(file("part-0.parquet"), cut("e", 2, false, true, 20));
        try (SegmentDataset data = open(options(20))) {
            SegmentBatch b = data.next(1).orElseThrow();
            assertThat(b.bootstrapAlive()).containsExactly(1f);
            assertThat(b.valid()[1]).isEqualTo(1f);
            assertThat(b.valid()[2]).isEqualTo(0f);
        }
    }

    @Test
    void segmentSplitAcrossTwoFilesCompletesWhenTheSecondArrives() {
        List<ReplayRow> rows = cut("e", 4, true, false, 4);
        ExperienceFiles.writeSegmentRows(file("part-0.parquet"), rows.subList(0, 2));
        try (SegmentDataset data = open(options(4))) {
            assertThat(data.next(1)).isEmpty();
            ExperienceFiles.writeSegmentRows(file("part-1.parquet"), rows.subList(2, 4));
            SegmentBatch b = data.next(1).orElseThrow();
            assertThat(b.rewards()).containsExactly(1f, 2f, 3f, 4f);
        }
    }

    @Test
    void newFilesAreReadOnceAndQueuedBehindOlderSegments() {
        ExperienceFiles.writeSegmentRows(file("part-0.parquet"), cut("e1", 2, true, false, 2));
        try (SegmentDataset data = open(options(2))) {
            assertThat(data.next(1).orElseThrow().rewards()).containsExactly(1f, 2f);
            ExperienceFiles.writeSegmentRows(file("part-1.parquet"), cut("e2", 4, true, false, 2));
            SegmentBatch b = data.next(2).orElseThrow();
            assertThat(b.obs()[0]).isEqualTo(0f); // e2 steps 0-1, then 2-3
            assertThat(b.obs()[b.index(1, 0) * 4]).isEqualTo(20f);
            assertThat(data.next(1)).isEmpty(); // part-0 is not read a second time
        }
    }

    @Test
    void segmentsOutOfTheWindowAreNotHandedOut() {
        ExperienceFiles.writeSegmentRows(file("part-0.parquet"), cut("e", 2, true, false, 2));
        SegmentReadOptions late =
                options(2).withClock(InstantSource.fixed(Instant.ofEpochMilli(T0 + 61_000)));
        try (SegmentDataset data = open(late)) {
            assertThat(data.next(1)).isEmpty();
            assertThat(data.segmentsDropped()).isEqualTo(1);
        }
    }

    @Test
    void segmentsLongerThanTheReadersLengthAreRefusedWithTheFix() {
        ExperienceFiles.writeSegmentRows(file("part-0.parquet"), cut("e", 5, true, false, 5));
        try (SegmentDataset data = open(options(4))) {
            assertThatThrownBy(() -> data.next(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("holds a segment of 5 steps")
                    .hasMessageContaining("read with a length >= the job's replay.segment.length");
        }
    }

    @Test
    void aTransitionDatasetIsRefusedWithTheFix() {
        List<ReplayRow> rows = cut("e", 2, true, false, 2);
        ExperienceFiles.writeReplayRows(file("part-0.parquet"), rows);
        try (SegmentDataset data = open(options(2))) {
            assertThatThrownBy(() -> data.next(1))
                    .hasMessageContaining("build one with replay.dataset.kind=segments");
        }
    }
}
