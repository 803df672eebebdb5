package io.replayflow.replay.row;

import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * Parquet writers of {@link ReplayRow}s, for the replay job's file sink (which wraps {@link
 * #writer} in a bulk-writer factory, {@code io.replayflow.replay.job.sink.ReplayRowSink}) and for
 * anything else (tests, tools). Compression is chosen here because flink-parquet's Avro writers
 * always write uncompressed.
 */
public final class ReplayRowParquet {

    private ReplayRowParquet() {}

    /** A writer of replay rows to {@code file}. */
    public static ParquetWriter<ReplayRow> writer(OutputFile file, CompressionCodecName codec)
            throws IOException {
        return writer(file, codec, false);
    }

    /**
     * A writer of replay rows to {@code file}, with the segment columns when {@code segments}
     * ({@link ReplayColumns#SEGMENT_SCHEMA}).
     */
    public static ParquetWriter<ReplayRow> writer(
            OutputFile file, CompressionCodecName codec, boolean segments) throws IOException {
        return writer(file, codec, segments, true);
    }

    /**
     * A writer of replay rows to {@code file}; {@code framesOnce} false writes whole images ({@code
     * replay/v2}, the layout before frames were stored once: for tests of older files).
     */
    public static ParquetWriter<ReplayRow> writer(
            OutputFile file, CompressionCodecName codec, boolean segments, boolean framesOnce)
            throws IOException {
        return writer(file, codec, segments, framesOnce, ParquetWriter.DEFAULT_BLOCK_SIZE);
    }

    /**
     * As {@link #writer(OutputFile, CompressionCodecName, boolean, boolean)}, with a row group
     * size.
     */
    public static ParquetWriter<ReplayRow> writer(
            OutputFile file,
            CompressionCodecName codec,
            boolean segments,
            boolean framesOnce,
            long rowGroupBytes)
            throws IOException {
        return new Builder(file, segments, framesOnce)
                .withConf(new Configuration(false))
                .withCompressionCodec(codec)
                .withRowGroupSize(rowGroupBytes)
                .withDictionaryEncoding(true)
                .withDictionaryEncoding(ReplayColumns.FRAMES, false)
                .build();
    }

    /**
     * Parses a codec name ({@code SNAPPY}, {@code ZSTD}, {@code GZIP}, {@code UNCOMPRESSED}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CompressionCodecName codec(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "SNAPPY", "ZSTD", "GZIP", "UNCOMPRESSED" -> CompressionCodecName.valueOf(upper);
            default ->
                    throw new IllegalArgumentException(
                            "Parquet compression '"
                                    + name
                                    + "' is not supported: use SNAPPY, ZSTD, GZIP or"
                                    + " UNCOMPRESSED");
        };
    }

    private static final class Builder extends ParquetWriter.Builder<ReplayRow, Builder> {

        private final boolean segments;
        private final boolean framesOnce;

        Builder(OutputFile file, boolean segments, boolean framesOnce) {
            super(file);
            this.segments = segments;
            this.framesOnce = framesOnce;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ReplayRow> getWriteSupport(Configuration conf) {
            return new ReplayRowWriteSupport(segments, framesOnce);
        }
    }
}
