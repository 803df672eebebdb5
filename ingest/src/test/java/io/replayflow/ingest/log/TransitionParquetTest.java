package io.replayflow.ingest.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificData;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The log's Parquet layout, as a foreign reader (DuckDB) sees it. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TransitionParquetTest {

    @TempDir Path dir;

    @Test
    void floatVectorsAreStandardThreeLevelListsThatDuckDbReadsAsFloatArrays() throws Exception {
        Path file = write(LogCompression.ZSTD);

        MessageType schema;
        CompressionCodecName codec;
        try (ParquetFileReader reader =
                ParquetFileReader.open(
                        FlinkInputFile.of(new org.apache.flink.core.fs.Path(file.toUri())))) {
            schema = reader.getFooter().getFileMetaData().getSchema();
            codec = reader.getRowGroups().get(0).getColumns().get(0).getCodec();
        }
        assertThat(schema.getType("obs").toString())
                .isEqualToIgnoringWhitespace(
                        "required group obs (LIST) { repeated group list { required float element;"
                                + " } }");
        assertThat(codec).isEqualTo(CompressionCodecName.ZSTD);

        Map<String, String> types = describe(file);
        assertThat(types)
                .containsEntry("env_id", "VARCHAR")
                .containsEntry("step", "BIGINT")
                .containsEntry("obs", "FLOAT[]")
                .containsEntry("next_obs", "FLOAT[]")
                .containsEntry("reward", "FLOAT")
                .containsEntry("terminated", "BOOLEAN")
                .containsEntry("obs_image", "STRUCT(\"data\" BLOB, shape INTEGER[])");
        assertThat(
                        query(
                                file,
                                "SELECT obs[1] + obs[2] FROM read_parquet('"
                                        + file
                                        + "') WHERE step = 1"))
                .isEqualTo(String.valueOf(0.01f - 0.2f));
    }

    @Test
    void imageRowsStoreFramesBesideTheScalarColumnsThatDuckDbReads() throws Exception {
        Path file = write(LogCompression.ZSTD);

        assertThat(describe(file))
                .containsEntry("frames", "BLOB")
                .containsEntry("obs_frames", "INTEGER[]")
                .containsEntry("next_obs_frames", "INTEGER[]");
        // The image row's images are in frames (two [2, 2, 1] frames of 4 bytes: obs, next_obs),
        // its scalar columns as ever; vector rows have no frame columns. Frames once v2 stores
        // each new frame after a tag byte as its XOR from a base (FrameDelta): obs RAW against
        // zeros (00 01020304), next_obs RAW against obs (00 05010105, 4^1 3^2 2^3 1^4).
        assertThat(
                        query(
                                file,
                                "SELECT count(*) FILTER (WHERE obs_image IS NULL AND"
                                        + " hex(frames) = '00010203040005010105' AND reward ="
                                        + " 1.0)"
                                        + " || '/' || count(*) FILTER (WHERE frames IS NULL AND"
                                        + " next_obs_frames IS NULL) FROM read_parquet('"
                                        + file
                                        + "')"))
                .isEqualTo("1/4");
    }

    /**
     * Every codec, written and read with {@code ParquetConf}'s empty Hadoop configuration (no
     * Hadoop defaults: the codecs take theirs from their own code).
     */
    @ParameterizedTest
    @EnumSource(LogCompression.class)
    void everyFieldReadsBackThroughTheLogReader(LogCompression compression) throws Exception {
        Path file = write(compression);
        try (ParquetFileReader footer =
                ParquetConf.open(
                        FlinkInputFile.of(new org.apache.flink.core.fs.Path(file.toUri())))) {
            assertThat(footer.getFooter().getBlocks().get(0).getColumns().get(0).getCodec())
                    .isEqualTo(compression.codec());
        }
        List<Transition> back = new ArrayList<>();
        try (TransitionReader reader =
                TransitionParquet.reader(
                        FlinkInputFile.of(new org.apache.flink.core.fs.Path(file.toUri())))) {
            for (Transition t = reader.read(); t != null; t = reader.read()) {
                back.add(t);
            }
        }
        assertThat(back).containsExactlyElementsOf(written());
    }

    @Test
    void filesWithWholeImagesAreWhatParquetAvroWrites() throws Exception {
        Path file = write(LogCompression.SNAPPY, false);
        List<Transition> back = new ArrayList<>();
        try (ParquetReader<Transition> reader =
                AvroParquetReader.<Transition>builder(
                                FlinkInputFile.of(new org.apache.flink.core.fs.Path(file.toUri())))
                        .withDataModel(SpecificData.getForClass(Transition.class))
                        .build()) {
            for (Transition t = reader.read(); t != null; t = reader.read()) {
                back.add(t);
            }
        }
        assertThat(back).containsExactlyElementsOf(written());
    }

    private static List<Transition> written() {
        List<Transition> all = new ArrayList<>(TestTransitions.episode("a", "e", 3));
        all.add(TestTransitions.pixels("Pixels-v0", "a", "p", 0));
        // Ids that change and come back: the writer reuses a repeated value's bytes.
        all.addAll(TestTransitions.episode("b", "e", 1));
        return all;
    }

    private Path write(LogCompression compression) throws Exception {
        return write(compression, true);
    }

    private Path write(LogCompression compression, boolean framesOnce) throws Exception {
        Path file = dir.resolve("part-0.parquet");
        try (OutputStream os = Files.newOutputStream(file);
                ParquetWriter<Transition> writer =
                        TransitionParquet.writer(
                                new StreamOutputFile(os), compression, 1 << 20, framesOnce)) {
            for (Transition t : written()) {
                writer.write(t);
            }
        }
        return file;
    }

    private static Map<String, String> describe(Path file) throws Exception {
        Map<String, String> types = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (r.next()) {
                types.put(r.getString(1), r.getString(2));
            }
        }
        return types;
    }

    private static String query(Path file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
