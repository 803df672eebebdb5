package io.replayflow.log.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.frames.FrameCodec;
import io.replayflow.schemas.frames.FrameColumns;
import io.replayflow.schemas.testing.ImageTransitions;
import io.replayflow.schemas.testing.TestTransitions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Log files that store each frame once, written by {@link TransitionParquet#writer} and read back
 * through {@link TransitionParquet#reader}, the one reader: image rows come back byte for byte
 * (stacks of 1 and 4, interleaved episodes with auto-resets, many row groups), and files written
 * before (whole images, or Transition v1 without image columns) still read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransitionFramesOnceTest {

    private static final long SMALL_ROW_GROUPS = 64 << 10;

    @TempDir Path dir;

    @ParameterizedTest(name = "stack of {0}")
    @ValueSource(ints = {1, 4})
    void imageRowsRebuildByteForByteAcrossRowGroups(int k) throws Exception {
        List<Transition> written = new ArrayList<>(ImageTransitions.interleaved(k, 6, 3_000, k));
        // Vector rows of another env between them keep their floats and null frame columns.
        for (int i = 0; i < 40; i++) {
            written.add(i * 70, TestTransitions.cartPole("cp", "cp-ep", i));
        }
        Path once = write("once.parquet", written, true);
        Path whole = write("whole.parquet", written, false);

        List<Transition> read = readAll(once);

        assertThat(rowGroups(once)).as("rows across more than 3 row groups").isGreaterThan(3);
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            Transition w = written.get(i);
            Transition r = read.get(i);
            assertThat(r).as("row %d", i).isEqualTo(w);
            if (w.getObsImage() != null) {
                assertThat(bytes(r.getObsImage().getData()))
                        .as("obs of row %d", i)
                        .isEqualTo(bytes(w.getObsImage().getData()));
                assertThat(bytes(r.getNextObsImage().getData()))
                        .as("next_obs of row %d", i)
                        .isEqualTo(bytes(w.getNextObsImage().getData()));
                assertThat(r.getObsImage().getShape()).isEqualTo(List.of(10, 10, 4 * k));
            }
        }
        Map<String, String> footer = footer(once);
        assertThat(footer)
                .containsEntry(FrameColumns.KEY, FrameColumns.ONCE_V2)
                .containsEntry(
                        FrameColumns.LAYOUT_KEY_PREFIX + ImageTransitions.envId(k), "100,4," + k)
                .containsEntry(
                        FrameColumns.SHAPE_KEY_PREFIX + ImageTransitions.envId(k),
                        "10,10," + (4 * k))
                .doesNotContainKey(FrameColumns.LAYOUT_KEY_PREFIX + "CartPole-v1");
        assertThat(readAll(whole)).as("a whole-image file reads the same").isEqualTo(written);
        assertThat(Files.size(once)).isLessThan(Files.size(whole));
    }

    @ParameterizedTest(name = "stack of {0}")
    @ValueSource(ints = {1, 4})
    void filesOfTheFirstFrameCodecStillReadByteForByte(int k) throws Exception {
        // Files that main wrote before once/v2 (session 12): the old encoder, its footer value.
        List<Transition> written = ImageTransitions.interleaved(k, 5, 1_500, 20 + k);
        Path v1 = write("v1.parquet", written, FrameCodec.ONCE_V1);
        Path v2 = write("v2.parquet", written, FrameCodec.ONCE_V2);

        assertThat(footer(v1)).containsEntry(FrameColumns.KEY, FrameColumns.ONCE_V1);
        assertThat(rowGroups(v1)).isGreaterThan(1);
        List<Transition> read = readAll(v1);
        assertThat(read).isEqualTo(readAll(v2)).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            assertThat(bytes(read.get(i).getObsImage().getData()))
                    .as("obs of row %d", i)
                    .isEqualTo(bytes(written.get(i).getObsImage().getData()));
            assertThat(bytes(read.get(i).getNextObsImage().getData()))
                    .as("next_obs of row %d", i)
                    .isEqualTo(bytes(written.get(i).getNextObsImage().getData()));
        }
    }

    @Test
    void compactionAppendsFilesOfOneFrameCodecAndRewritesAMix() throws Exception {
        List<Transition> rows = ImageTransitions.interleaved(1, 3, 200, 31);
        Path a = write("a.parquet", rows.subList(0, 100), FrameCodec.ONCE_V2);
        Path b = write("b.parquet", rows.subList(100, 200), FrameCodec.ONCE_V2);
        Path old = write("old.parquet", rows.subList(100, 200), FrameCodec.ONCE_V1);

        assertThat(TransitionParquet.appendedFooter(List.of(metadata(a), metadata(b))))
                .hasValueSatisfying(
                        f -> assertThat(f).containsEntry(FrameColumns.KEY, FrameColumns.ONCE_V2));
        assertThat(TransitionParquet.appendedFooter(List.of(metadata(a), metadata(old))))
                .as("a frame reference means something else in each codec: rewrite row by row")
                .isEmpty();

        // Appended as compaction does, the two v2 files read as their rows in order.
        Path appended = dir.resolve("appended.parquet");
        try (OutputStream os = Files.newOutputStream(appended)) {
            org.apache.parquet.hadoop.ParquetFileWriter writer =
                    new org.apache.parquet.hadoop.ParquetFileWriter(
                            new StreamOutputFile(os),
                            metadata(a).getSchema(),
                            org.apache.parquet.hadoop.ParquetFileWriter.Mode.CREATE,
                            1 << 20,
                            0,
                            null,
                            org.apache.parquet.column.ParquetProperties.builder().build());
            writer.start();
            writer.appendFile(input(a));
            writer.appendFile(input(b));
            writer.end(
                    TransitionParquet.appendedFooter(List.of(metadata(a), metadata(b)))
                            .orElseThrow());
        }
        List<Transition> read = readAll(appended);
        assertThat(read).isEqualTo(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(bytes(read.get(i).getNextObsImage().getData()))
                    .as("next_obs of row %d", i)
                    .isEqualTo(bytes(rows.get(i).getNextObsImage().getData()));
        }
    }

    @Test
    void genericParquetAvroReadersSeeTheStoredColumnsWithImagesNull() throws Exception {
        List<Transition> written = ImageTransitions.interleaved(4, 2, 50, 3);
        Path once = write("once.parquet", written, true);

        List<GenericRecord> stored = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader =
                AvroParquetReader.<GenericRecord>builder(input(once))
                        .withDataModel(GenericData.get())
                        .build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                stored.add(r);
            }
        }

        assertThat(stored).hasSize(50);
        assertThat(stored).allSatisfy(r -> assertThat(r.get("obs_image")).isNull());
        assertThat(stored.get(0).get(FrameColumns.FRAMES))
                .as("the first row stores its frames")
                .isNotNull();
        assertThat(stored.get(0).get("reward")).isEqualTo(written.get(0).getReward());
    }

    @Test
    void transitionV1FilesWithoutImageColumnsStillRead() throws Exception {
        Schema v1 = v1Schema();
        Path file = dir.resolve("v1.parquet");
        List<Transition> written = TestTransitions.episode("a", "e", 5);
        try (OutputStream os = Files.newOutputStream(file);
                ParquetWriter<GenericData.Record> writer =
                        AvroParquetWriter.<GenericData.Record>builder(new StreamOutputFile(os))
                                .withSchema(v1)
                                .withDataModel(GenericData.get())
                                .build()) {
            for (Transition t : written) {
                GenericData.Record r = new GenericData.Record(v1);
                for (Schema.Field f : v1.getFields()) {
                    r.put(f.pos(), t.get(f.name()));
                }
                writer.write(r);
            }
        }

        assertThat(readAll(file)).isEqualTo(written);
    }

    @Test
    void aFrameFileWithoutItsLayoutIsRefusedWithTheReason() throws Exception {
        Path once = write("once.parquet", ImageTransitions.interleaved(1, 1, 5, 1), true);
        // Drop the footer's layout by copying the row groups under a footer without it.
        Path broken = dir.resolve("broken.parquet");
        try (ParquetFileReader reader = ParquetFileReader.open(input(once));
                OutputStream os = Files.newOutputStream(broken)) {
            Map<String, String> kv =
                    new java.util.HashMap<>(
                            reader.getFooter().getFileMetaData().getKeyValueMetaData());
            kv.remove(FrameColumns.LAYOUT_KEY_PREFIX + ImageTransitions.BREAKOUT);
            org.apache.parquet.hadoop.ParquetFileWriter writer =
                    new org.apache.parquet.hadoop.ParquetFileWriter(
                            new StreamOutputFile(os),
                            reader.getFooter().getFileMetaData().getSchema(),
                            org.apache.parquet.hadoop.ParquetFileWriter.Mode.CREATE,
                            1 << 20,
                            0,
                            null,
                            org.apache.parquet.column.ParquetProperties.builder().build());
            writer.start();
            writer.appendFile(input(once));
            writer.end(kv);
        }

        assertThatThrownBy(() -> readAll(broken))
                .hasStackTraceContaining("no frame layout or shape for it in its footer")
                .hasStackTraceContaining(
                        FrameColumns.LAYOUT_KEY_PREFIX + ImageTransitions.BREAKOUT);
    }

    private static Schema v1Schema() {
        Schema current = Transition.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().endsWith("_image")) {
                fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
            }
        }
        return Schema.createRecord(
                current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private Path write(String name, List<Transition> rows, boolean framesOnce) throws IOException {
        return write(name, rows, framesOnce, FrameCodec.LATEST);
    }

    private Path write(String name, List<Transition> rows, FrameCodec codec) throws IOException {
        return write(name, rows, true, codec);
    }

    private Path write(String name, List<Transition> rows, boolean framesOnce, FrameCodec codec)
            throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(file);
                ParquetWriter<Transition> writer =
                        TransitionParquet.writer(
                                new StreamOutputFile(os),
                                LogCompression.ZSTD,
                                SMALL_ROW_GROUPS,
                                framesOnce,
                                codec)) {
            for (Transition t : rows) {
                writer.write(t);
            }
        }
        return file;
    }

    static List<Transition> readAll(Path file) throws IOException {
        List<Transition> rows = new ArrayList<>();
        try (TransitionReader reader = TransitionParquet.reader(input(file))) {
            for (Transition t = reader.read(); t != null; t = reader.read()) {
                rows.add(t);
            }
        }
        return rows;
    }

    private static FlinkInputFile input(Path file) throws IOException {
        return FlinkInputFile.of(new org.apache.flink.core.fs.Path(file.toUri()));
    }

    private static int rowGroups(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(input(file))) {
            return reader.getRowGroups().size();
        }
    }

    private static org.apache.parquet.hadoop.metadata.FileMetaData metadata(Path file)
            throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(input(file))) {
            return reader.getFooter().getFileMetaData();
        }
    }

    private static Map<String, String> footer(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(input(file))) {
            return reader.getFooter().getFileMetaData().getKeyValueMetaData();
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer data) {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }
}
