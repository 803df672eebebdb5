package io.replayflow.ingest.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.testing.ImageTransitions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ParquetCompactorTest {

    private static final long ONE_MB = 1 << 20;

    @TempDir Path dir;

    @Test
    void smallFilesAreRewrittenIntoOneRowGroupHoldingEveryRecord() throws Exception {
        List<org.apache.flink.core.fs.Path> inputs = writeInputs(3, 40);
        Path out = dir.resolve("compacted.parquet");

        compact(new ParquetCompactor(LogCompression.ZSTD, 64 * ONE_MB), inputs, out);

        assertThat(rowGroups(out)).isEqualTo(1);
        assertThat(duckCount(out)).isEqualTo(120);
        assertThat(duckDistinctSteps(out)).isEqualTo(120);
        assertThat(columns(out))
                .as("vector rows keep the columns vector files always had")
                .contains("obs", "obs_image")
                .doesNotContain("frames");
    }

    @Test
    void largeInputsAreMergedByAppendingTheirRowGroups() throws Exception {
        List<org.apache.flink.core.fs.Path> inputs = writeInputs(3, 40);
        Path out = dir.resolve("compacted.parquet");

        // A minimum average input size below the inputs' selects the byte-copying path.
        compact(new ParquetCompactor(LogCompression.ZSTD, 64 * ONE_MB, 1), inputs, out);

        assertThat(rowGroups(out)).isEqualTo(3);
        assertThat(duckCount(out)).isEqualTo(120);
        assertThat(duckDistinctSteps(out)).isEqualTo(120);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rewrite", "append"})
    void imageRowsOfFramesOnceFilesReadBackByteForByteAfterCompaction(String path)
            throws Exception {
        // Stacks of 4, episodes continuing from file to file, one file with whole images (written
        // before frames were stored once) in the middle for the rewrite path.
        List<Transition> rows = ImageTransitions.interleaved(4, 5, 900, 11);
        List<org.apache.flink.core.fs.Path> inputs = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            boolean framesOnce = path.equals("append") || f != 1;
            inputs.add(
                    writeFile(
                            ".img-" + f + ".parquet",
                            rows.subList(f * 300, f * 300 + 300),
                            framesOnce));
        }
        Path out = dir.resolve("compacted.parquet");
        long minAverage = path.equals("append") ? 1 : 64 * ONE_MB;

        compact(new ParquetCompactor(LogCompression.ZSTD, 64 * ONE_MB, minAverage), inputs, out);

        assertThat(rowGroups(out)).isEqualTo(path.equals("append") ? 3 : 1);
        List<Transition> back = new ArrayList<>();
        try (TransitionReader reader =
                TransitionParquet.reader(
                        FlinkInputFile.of(new org.apache.flink.core.fs.Path(out.toUri())))) {
            for (Transition t = reader.read(); t != null; t = reader.read()) {
                back.add(t);
            }
        }
        assertThat(back).isEqualTo(rows);
        assertThat(
                        duckLong(
                                "SELECT count(*) FROM read_parquet('"
                                        + out
                                        + "') WHERE frames IS NOT"
                                        + " NULL OR obs_frames IS NOT NULL"))
                .as("the compacted file stores frames once, also for the whole-image input")
                .isEqualTo(900);
    }

    private static org.apache.flink.core.fs.Path writeFile(
            Path file, List<Transition> rows, boolean framesOnce) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                ParquetWriter<Transition> writer =
                        TransitionParquet.writer(
                                new StreamOutputFile(os),
                                LogCompression.ZSTD,
                                64 * ONE_MB,
                                framesOnce)) {
            for (Transition t : rows) {
                writer.write(t);
            }
        }
        return new org.apache.flink.core.fs.Path(file.toUri());
    }

    private org.apache.flink.core.fs.Path writeFile(
            String name, List<Transition> rows, boolean framesOnce) throws IOException {
        return writeFile(dir.resolve(name), rows, framesOnce);
    }

    private List<org.apache.flink.core.fs.Path> writeInputs(int files, int rowsEach)
            throws IOException {
        List<org.apache.flink.core.fs.Path> inputs = new ArrayList<>();
        int step = 0;
        for (int f = 0; f < files; f++) {
            Path file = dir.resolve(".part-" + f + ".parquet");
            try (OutputStream os = Files.newOutputStream(file);
                    ParquetWriter<Transition> writer =
                            TransitionParquet.writer(
                                    new StreamOutputFile(os),
                                    LogCompression.ZSTD,
                                    64 * ONE_MB,
                                    false)) { // as ingest writes a file of vector rows
                for (int i = 0; i < rowsEach; i++) {
                    writer.write(TestTransitions.cartPole("a", "e", step++));
                }
            }
            inputs.add(new org.apache.flink.core.fs.Path(file.toUri()));
        }
        return inputs;
    }

    private static void compact(
            ParquetCompactor compactor, List<org.apache.flink.core.fs.Path> inputs, Path out)
            throws Exception {
        try (OutputStream os = Files.newOutputStream(out)) {
            compactor.compact(inputs, os);
        }
    }

    private static int rowGroups(Path file) throws IOException {
        try (ParquetFileReader reader =
                ParquetFileReader.open(
                        io.replayflow.log.parquet.FlinkInputFile.of(
                                new org.apache.flink.core.fs.Path(file.toUri())))) {
            return reader.getRowGroups().size();
        }
    }

    private static List<String> columns(Path file) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        return names;
    }

    private static long duckCount(Path file) throws Exception {
        return duckLong("SELECT count(*) FROM read_parquet('" + file + "')");
    }

    private static long duckDistinctSteps(Path file) throws Exception {
        return duckLong("SELECT count(DISTINCT step) FROM read_parquet('" + file + "')");
    }

    private static long duckLong(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
