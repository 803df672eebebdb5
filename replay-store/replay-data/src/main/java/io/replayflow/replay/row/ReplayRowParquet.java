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
        return new Builder(file, segments)
                .withConf(new Configuration(false))
                .withCompressionCodec(codec)
                .withDictionaryEncoding(true)
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

        Builder(OutputFile file, boolean segments) {
            super(file);
            this.segments = segments;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ReplayRow> getWriteSupport(Configuration conf) {
            return new ReplayRowWriteSupport(segments);
        }
    }
}
