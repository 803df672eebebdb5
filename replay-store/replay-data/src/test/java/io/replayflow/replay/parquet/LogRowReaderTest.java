package io.replayflow.replay.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.replay.data.testing.ExperienceFiles;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar log reader yields exactly the rows the Avro path ({@code TransitionParquet.reader}
 * then {@code ReplayRow.fromTransition}) yields for the same file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogRowReaderTest {

    @TempDir java.nio.file.Path dir;

    /**
     * Terminated, truncated and open episodes of vector rows, then image rows kept whole (a file
     * that starts with a vector row stores no frames), so obs_image is null in some rows and set in
     * others; small row groups, so the rows span several.
     */
    private static List<Transition> mixedLog() {
        List<Transition> log = new ArrayList<>();
        for (int e = 0; e < 30; e++) {
            log.addAll(
                    Transitions.episode(
                            "CartPole-v1",
                            "actor-" + (e % 3),
                            "ep-" + e,
                            5 + (e * 7) % 40,
                            1_700_000_000_000L + e * 20_000L,
                            1_000,
                            e % 3 == 0,
                            e % 3 == 1,
                            e % 4,
                            4));
        }
        log.addAll(
                Transitions.imageEpisode(
                        "MinAtar/Breakout-v1",
                        "actor-9",
                        "img-1",
                        7,
                        1_700_000_000_000L,
                        true,
                        List.of(10, 10, 4)));
        log.add(
                Transitions.transition(
                        "CartPole-v1",
                        "actor-1",
                        "ep-last",
                        0,
                        1_700_000_900_000L,
                        0.5f,
                        false,
                        false,
                        3,
                        4));
        return log;
    }

    @Test
    void yieldsTheAvroPathsRowsAcrossRowGroupsAndNulls() throws IOException {
        List<Transition> log = mixedLog();
        Path file = new Path(dir.resolve("log.parquet").toUri());
        try (ParquetWriter<Transition> writer =
                TransitionParquet.writer(
                        new FlinkOutputFile(
                                FileSystem.getLocalFileSystem()
                                        .create(file, FileSystem.WriteMode.OVERWRITE)),
                        LogCompression.ZSTD,
                        4_096,
                        TransitionParquet.framesOnceFor(log.get(0)))) {
            for (Transition t : log) {
                writer.write(t);
            }
        }
        try (ParquetFileReader footer = ParquetFileReader.open(FlinkInputFile.of(file))) {
            assertThat(footer.getRowGroups()).hasSizeGreaterThan(2);
            assertThat(LogRowReader.storesFrames(footer.getFileMetaData().getSchema())).isFalse();
        }

        List<ReplayRow> columnar = columnar(file);
        assertThat(columnar).hasSize(log.size());
        assertThat(described(columnar)).isEqualTo(described(avro(file)));
        assertThat(columnar.get(log.size() - 2).obsImage).hasSize(400);
        assertThat(columnar.get(0).obsImage).isNull();
    }

    @Test
    void readsTwoLevelListsAsParquetAvroWritesThem() throws IOException {
        List<Transition> log = mixedLog();
        java.nio.file.Path local = dir.resolve("two-level.parquet");
        ExperienceFiles.writeTransitions(local, log);
        Path file = new Path(local.toUri());

        List<ReplayRow> columnar = columnar(file);
        assertThat(columnar).hasSize(log.size());
        assertThat(described(columnar)).isEqualTo(described(avro(file)));
    }

    @Test
    void refusesAFileThatStoresFramesOnce() throws IOException {
        Path file = new Path(dir.resolve("frames.parquet").toUri());
        try (ParquetWriter<Transition> writer =
                TransitionParquet.writer(
                        new FlinkOutputFile(
                                FileSystem.getLocalFileSystem()
                                        .create(file, FileSystem.WriteMode.OVERWRITE)),
                        LogCompression.ZSTD,
                        1 << 20)) {
            for (Transition t :
                    Transitions.imageEpisode(
                            "MinAtar/Breakout-v1", "a", "e", 3, 0L, true, List.of(10, 10, 4))) {
                writer.write(t);
            }
        }
        assertThatThrownBy(() -> LogRowReader.open(FlinkInputFile.of(file), "frames.parquet"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("frames.parquet stores image frames once")
                .hasMessageContaining("TransitionParquet.reader");
    }

    /** Every field of every row, arrays by content, so a difference shows where it is. */
    private static List<String> described(List<ReplayRow> rows) {
        List<String> out = new ArrayList<>();
        for (ReplayRow r : rows) {
            StringBuilder b = new StringBuilder();
            for (Field f : ReplayRow.class.getFields()) {
                try {
                    Object v = f.get(r);
                    b.append(f.getName())
                            .append('=')
                            .append(
                                    v instanceof float[] a
                                            ? Arrays.toString(a)
                                            : v instanceof byte[] a ? Arrays.toString(a) : v)
                            .append(' ');
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    private static List<ReplayRow> columnar(Path file) throws IOException {
        List<ReplayRow> rows = new ArrayList<>();
        try (LogRowReader reader = LogRowReader.open(FlinkInputFile.of(file), file.getName())) {
            for (ReplayRow r = reader.read(); r != null; r = reader.read()) {
                rows.add(r);
            }
        }
        return rows;
    }

    private static List<ReplayRow> avro(Path file) throws IOException {
        List<ReplayRow> rows = new ArrayList<>();
        try (TransitionReader reader = TransitionParquet.reader(FlinkInputFile.of(file))) {
            for (Transition t = reader.read(); t != null; t = reader.read()) {
                rows.add(ReplayRow.fromTransition(t));
            }
        }
        return rows;
    }
}
