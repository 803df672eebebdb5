package io.replayflow.ingest.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.inspect.DatasetReport.Partition;
import io.replayflow.ingest.inspect.DatasetReport.ReturnStats;
import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.testing.ImageTransitions;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DatasetInspectorTest {

    @TempDir Path root;

    @Test
    void countsEpisodesReturnsTimeAndFilesOfTheVisibleLog() throws Exception {
        // Policy 0: episodes of 3 and 5 steps (returns 3, 5). Policy 1: 4 steps (return 4) and an
        // unfinished episode. Every reward is 1.
        List<Transition> hourA = new ArrayList<>(TestTransitions.episode("a", "e1", 3));
        hourA.addAll(TestTransitions.episode("a", "e2", 5));
        List<Transition> hourB = new ArrayList<>();
        for (Transition t : TestTransitions.episode("b", "e3", 4)) {
            t.setPolicyVersion(1L);
            t.setEventTimeMs(t.getEventTimeMs() + 3_600_000);
            hourB.add(t);
        }
        Transition open = TestTransitions.cartPole("b", "e4", 0);
        open.setPolicyVersion(1L);
        open.setEventTimeMs(open.getEventTimeMs() + 3_600_000);
        hourB.add(open);
        write(hourA.subList(0, 4), "part-0.parquet");
        write(hourA.subList(4, 8), "compacted-part-1.parquet");
        write(hourB, "part-2.parquet");
        write(hourB, ".part-3.parquet.inprogress.abc"); // hidden: not counted

        DatasetReport report = DatasetInspector.inspect(root, Optional.empty(), Topics.defaults());

        assertThat(report.transitions()).isEqualTo(13);
        assertThat(report.transitionsByEnv()).containsExactly(Map.entry("CartPole-v1", 13L));
        assertThat(report.episodes()).isEqualTo(4);
        assertThat(report.finishedEpisodes()).isEqualTo(3);
        assertThat(report.returnsByPolicyVersion())
                .containsExactly(
                        Map.entry(0L, new ReturnStats(2, 4.0, 3.0, 5.0)),
                        Map.entry(1L, new ReturnStats(1, 4.0, 4.0, 4.0)));
        assertThat(report.firstEventTime()).contains(Instant.ofEpochMilli(TestTransitions.T0));
        assertThat(report.lastEventTime())
                .contains(Instant.ofEpochMilli(TestTransitions.T0 + 3_600_000 + 3 * 20));
        assertThat(report.partitions())
                .extracting(Partition::path, Partition::files, Partition::rows)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "env_id=CartPole-v1/date=2026-11-21/hour=07", 2, 8L),
                        org.assertj.core.groups.Tuple.tuple(
                                "env_id=CartPole-v1/date=2026-11-21/hour=08", 1, 5L));
        assertThat(report.stagingFiles()).isEqualTo(1);
        assertThat(report.deadLetters()).isEmpty();

        StringWriter text = new StringWriter();
        report.render(new PrintWriter(text));
        assertThat(text.toString())
                .contains("  transitions   13  (CartPole-v1 13)")
                .contains("  episodes      4 (3 finished)")
                .contains("  time range    2026-11-21T07:00:00Z .. 2026-11-21T08:00:00.060Z")
                .contains("  files         3 visible")
                .contains("env_id=CartPole-v1/date=2026-11-21/hour=07")
                .containsPattern("\\s+0\\s+2\\s+4\\.000\\s+3\\.000\\s+5\\.000")
                .contains("  dead letters  (give a bootstrap address to count them)");
    }

    @Test
    void imageRowsWhoseFramesAreStoredOnceCountLikeAnyOther() throws Exception {
        // The scanner projects scalar columns only; frames-once files have them unchanged.
        List<Transition> log = ImageTransitions.interleaved(4, 3, 300, 9);
        write(log.subList(0, 150), "part-0.parquet");
        write(log.subList(150, 300), "part-1.parquet");

        DatasetReport report = DatasetInspector.inspect(root, Optional.empty(), Topics.defaults());

        assertThat(report.transitions()).isEqualTo(300);
        assertThat(report.transitionsByEnv())
                .containsExactly(Map.entry(ImageTransitions.envId(4), 300L));
        assertThat(report.episodes())
                .isEqualTo(
                        log.stream()
                                .map(t -> t.getActorId() + "/" + t.getEpisodeId())
                                .distinct()
                                .count());
        assertThat(report.finishedEpisodes())
                .isEqualTo(log.stream().filter(t -> t.getTerminated() || t.getTruncated()).count());
    }

    @Test
    void anEmptyRootIsAnEmptyReport() {
        DatasetReport report = DatasetInspector.inspect(root, Optional.empty(), Topics.defaults());
        assertThat(report.transitions()).isZero();
        assertThat(report.firstEventTime()).isEmpty();
        StringWriter text = new StringWriter();
        report.render(new PrintWriter(text));
        assertThat(text.toString()).contains("time range    (empty)");
    }

    private void write(List<Transition> transitions, String name) throws Exception {
        Transition first = transitions.get(0);
        Path dir =
                root.resolve("experience")
                        .resolve(
                                PartitionPath.of(first.getEnvId(), first.getEventTimeMs())
                                        .relativePath());
        Files.createDirectories(dir);
        try (OutputStream os = Files.newOutputStream(dir.resolve(name));
                ParquetWriter<Transition> writer =
                        TransitionParquet.writer(
                                new StreamOutputFile(os), LogCompression.SNAPPY, 1 << 20)) {
            for (Transition t : transitions) {
                writer.write(t);
            }
        }
    }
}
