package io.replayflow.replay.row;

import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.schemas.frames.FrameCodec;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
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

    /**
     * The float vectors' element columns: their values rarely repeat, so a dictionary fills up and
     * falls back to plain encoding after the writer has hashed every value (a backfill's writer
     * spent most of its time there), and nothing filters on their min/max.
     */
    private static final List<String> VECTORS =
            List.of(
                    ReplayColumns.OBS + ".list.element",
                    ReplayColumns.NEXT_OBS + ".list.element",
                    ReplayColumns.BOOTSTRAP_OBS + ".list.element");

    /** Scalar columns that are distinct on almost every row: no dictionary either. */
    private static final List<String> UNREPEATED =
            List.of(
                    ReplayColumns.EVENT_TIME_MS,
                    ReplayColumns.N_STEP_RETURN,
                    ReplayColumns.RETURN_TO_GO,
                    ReplayColumns.PRIORITY);

    /**
     * The bootstrap references' element column: ranks 0–3 on most rows and {@code 4 +} a distance
     * back (up to the frame window) on the rest. A dictionary would hold every distance, so each
     * index took ~10 bits (0.54 B per row); plain ints compress worse still (0.61 B); split into
     * their four byte streams the two high streams are all zeros and ZSTD codes the low ones near
     * their entropy (0.46 B). The encoding is per page, so files written with the dictionary read
     * the same.
     */
    static final String BOOTSTRAP_REFS = ReplayColumns.BOOTSTRAP_OBS_FRAMES + ".list.element";

    private ReplayRowParquet() {}

    /**
     * Turns on {@code BYTE_STREAM_SPLIT} for an INT32 column. parquet-hadoop 1.15's writer builder
     * offers it only for every float column at once, while the properties it builds take it per
     * column (for any fixed-width type), so this reaches its properties builder; the encoding is in
     * Parquet's format since 2.11 and parquet-java reads it since 1.14.
     */
    private static void byteStreamSplit(Builder builder, String column) {
        try {
            Field props = ParquetWriter.Builder.class.getDeclaredField("encodingPropsBuilder");
            props.setAccessible(true);
            ((ParquetProperties.Builder) props.get(builder))
                    .withByteStreamSplitEncoding(column, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "the Parquet writer builder has no per-column encoding properties"
                            + " (encodingPropsBuilder): a parquet-hadoop other than 1.15 is on the"
                            + " class path; use the version the ReplayFlow pom names",
                    e);
        }
    }

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
        return writer(file, codec, segments, framesOnce, rowGroupBytes, FrameCodec.LATEST);
    }

    /**
     * As {@link #writer(OutputFile, CompressionCodecName, boolean, boolean, long)}, storing frames
     * once in version {@code frameCodec}: ReplayFlow writes {@link FrameCodec#LATEST}; an older
     * version only serves tests that such files still read.
     */
    public static ParquetWriter<ReplayRow> writer(
            OutputFile file,
            CompressionCodecName codec,
            boolean segments,
            boolean framesOnce,
            long rowGroupBytes,
            FrameCodec frameCodec)
            throws IOException {
        return writer(file, codec, segments, framesOnce, rowGroupBytes, frameCodec, true);
    }

    /**
     * As {@link #writer(OutputFile, CompressionCodecName, boolean, boolean, long, FrameCodec)};
     * {@code splitBootstrapRefs} false writes the bootstrap references with a dictionary, as replay
     * files were written before 2026-12-06 15:30 UTC: only for tests that such files still read.
     */
    public static ParquetWriter<ReplayRow> writer(
            OutputFile file,
            CompressionCodecName codec,
            boolean segments,
            boolean framesOnce,
            long rowGroupBytes,
            FrameCodec frameCodec,
            boolean splitBootstrapRefs)
            throws IOException {
        Builder builder =
                new Builder(file, segments, framesOnce, frameCodec)
                        .withConf(ParquetConf.hadoop())
                        .withCompressionCodec(codec)
                        .withRowGroupSize(rowGroupBytes)
                        .withDictionaryEncoding(true)
                        .withDictionaryEncoding(ReplayColumns.FRAMES, false)
                        .withDictionaryEncoding(BOOTSTRAP_REFS, !splitBootstrapRefs);
        if (splitBootstrapRefs) {
            byteStreamSplit(builder, BOOTSTRAP_REFS);
        }
        for (String column : UNREPEATED) {
            builder = builder.withDictionaryEncoding(column, false);
        }
        for (String vector : VECTORS) {
            builder =
                    builder.withDictionaryEncoding(vector, false)
                            .withStatisticsEnabled(vector, false);
        }
        return builder.build();
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
        private final FrameCodec frameCodec;

        Builder(OutputFile file, boolean segments, boolean framesOnce, FrameCodec frameCodec) {
            super(file);
            this.segments = segments;
            this.framesOnce = framesOnce;
            this.frameCodec = frameCodec;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ReplayRow> getWriteSupport(Configuration conf) {
            return new ReplayRowWriteSupport(segments, framesOnce, frameCodec);
        }
    }
}
