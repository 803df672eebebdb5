package io.replayflow.ingest.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.schemas.avro.Transition;
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

    private List<org.apache.flink.core.fs.Path> writeInputs(int files, int rowsEach)
            throws IOException {
        List<org.apache.flink.core.fs.Path> inputs = new ArrayList<>();
        int step = 0;
        for (int f = 0; f < files; f++) {
            Path file = dir.resolve(".part-" + f + ".parquet");
            try (OutputStream os = Files.newOutputStream(file);
                    ParquetWriter<Transition> writer =
                            TransitionParquet.writer(
                                    new StreamOutputFile(os), LogCompression.ZSTD, 64 * ONE_MB)) {
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
