package io.replayflow.ingest.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.frames.FrameColumns;
import io.replayflow.schemas.testing.ImageTransitions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ingest's part files: the first record chooses frames once (images) or the plain columns. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LazyParquetWriterFactoryTest {

    @TempDir java.nio.file.Path dir;

    @Test
    void imagePartFilesStoreFramesOnceAndVectorPartFilesKeepTheirColumns() throws Exception {
        List<Transition> images = ImageTransitions.interleaved(4, 3, 200, 5);
        List<Transition> vectors = TestTransitions.episode("a", "e", 50);

        Path imageFile = write("images.parquet", images);
        Path vectorFile = write("vectors.parquet", vectors);

        assertThat(schema(imageFile).containsField(FrameColumns.FRAMES)).isTrue();
        assertThat(schema(vectorFile).containsField(FrameColumns.FRAMES)).isFalse();
        assertThat(read(imageFile)).isEqualTo(images);
        assertThat(read(vectorFile)).isEqualTo(vectors);
    }

    private Path write(String name, List<Transition> rows) throws IOException {
        Path path = new Path(dir.resolve(name).toUri());
        try (FSDataOutputStream out =
                FileSystem.getLocalFileSystem().create(path, FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<Transition> writer =
                    new LazyParquetWriterFactory(LogCompression.ZSTD, 1 << 20).create(out);
            for (Transition t : rows) {
                writer.addElement(t);
            }
            writer.finish();
        }
        return path;
    }

    private static MessageType schema(Path path) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(FlinkInputFile.of(path))) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }

    private static List<Transition> read(Path path) throws IOException {
        List<Transition> rows = new ArrayList<>();
        try (TransitionReader reader = TransitionParquet.reader(FlinkInputFile.of(path))) {
            for (Transition t = reader.read(); t != null; t = reader.read()) {
                rows.add(t);
            }
        }
        return rows;
    }
}
