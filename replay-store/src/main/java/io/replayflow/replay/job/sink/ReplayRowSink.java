package io.replayflow.replay.job.sink;

import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.row.ReplayRowParquet;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The replay job's bulk-writer factory of {@link ReplayRow}s for {@code FileSink.forBulkFormat}:
 * the library's {@link ReplayRowParquet#writer} behind flink-parquet's factory, so the job writes
 * exactly the files the reader and tools read.
 */
public final class ReplayRowSink {

    private ReplayRowSink() {}

    /**
     * A bulk-writer factory writing with {@code compression} ({@code SNAPPY}, {@code ZSTD}, {@code
     * GZIP} or {@code UNCOMPRESSED}).
     *
     * @throws IllegalArgumentException naming the accepted codecs
     */
    public static ParquetWriterFactory<ReplayRow> writerFactory(String compression) {
        return writerFactory(compression, false);
    }

    /**
     * As {@link #writerFactory(String)}, with the segment columns when {@code segments} (a segment
     * dataset, {@code replay.dataset.kind=segments}).
     */
    public static ParquetWriterFactory<ReplayRow> writerFactory(
            String compression, boolean segments) {
        CompressionCodecName codec = ReplayRowParquet.codec(compression);
        return new ParquetWriterFactory<>(out -> ReplayRowParquet.writer(out, codec, segments));
    }
}
