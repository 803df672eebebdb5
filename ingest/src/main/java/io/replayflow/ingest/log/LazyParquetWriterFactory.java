package io.replayflow.ingest.log;

import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Flink bulk writers of {@link Transition}s to Parquet that open the Parquet writer on the first
 * record rather than when the part file opens, so a writer that receives no record leaves its
 * stream untouched.
 *
 * <p>That matters for compaction: Flink 2.2's bulk file sink hands a compactor's output stream to a
 * part writer made by this factory too ({@code openNewCompactingFile} always opens a bulk part
 * file). Flink's own {@code ParquetWriterFactory} would write a Parquet header there at once and an
 * empty footer after the compactor's file, hiding its row groups; a lazy writer writes nothing, so
 * {@link ParquetCompactor}'s bytes are the whole file. In the normal path Flink opens a part file
 * for its first record, so the difference never shows.
 *
 * <p>The first record also chooses the file's form ({@link TransitionParquet#framesOnceFor}): image
 * rows store their frames once, vector rows keep the columns they always had.
 */
final class LazyParquetWriterFactory implements BulkWriter.Factory<Transition> {

    private static final long serialVersionUID = 1L;

    private final LogCompression compression;
    private final long rowGroupBytes;

    LazyParquetWriterFactory(LogCompression compression, long rowGroupBytes) {
        this.compression = Objects.requireNonNull(compression, "compression");
        this.rowGroupBytes = rowGroupBytes;
    }

    @Override
    public BulkWriter<Transition> create(FSDataOutputStream out) {
        return new BulkWriter<>() {
            private ParquetWriter<Transition> writer;

            @Override
            public void addElement(Transition element) throws IOException {
                if (writer == null) {
                    writer =
                            TransitionParquet.writer(
                                    new StreamOutputFile(out),
                                    compression,
                                    rowGroupBytes,
                                    TransitionParquet.framesOnceFor(element));
                }
                writer.write(element);
            }

            /** Parquet cannot flush part of a row group; data is written on {@link #finish()}. */
            @Override
            public void flush() {}

            @Override
            public void finish() throws IOException {
                if (writer != null) {
                    writer.close();
                }
            }
        };
    }
}
