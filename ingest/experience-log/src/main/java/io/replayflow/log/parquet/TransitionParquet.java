package io.replayflow.log.parquet;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.frames.FrameCodec;
import io.replayflow.schemas.frames.FrameColumns;
import io.replayflow.schemas.serde.AvroTrust;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * How the experience log writes Parquet: one column per {@link Transition} field, float vectors as
 * the standard three-level {@code LIST<FLOAT>} ({@code obs.list.element}), which DuckDB reads as
 * {@code FLOAT[]} and Spark as {@code array<float>}; the chosen codec; bounded row groups.
 * Dictionary encoding and min/max statistics are off for the float vectors, whose values rarely
 * repeat and are never filtered on, and for the {@code frames} bytes; dictionary encoding is off
 * for next_obs's frame references.
 *
 * <p>Image rows store each distinct frame of a file once ({@link TransitionWriteSupport}, footer
 * {@code replayflow.frames=once/v2}, {@link FrameCodec}; files of {@code once/v1} still read); only
 * {@link #reader} (and replay-data's columnar loader, with the same codec) rebuilds their {@code
 * obs_image} and {@code next_obs_image}.
 *
 * <p>The writers are built here rather than through Flink's {@code AvroParquetWriters}, which
 * writes uncompressed. Ingest's file sink wraps {@link #writer} in its own bulk-writer factory;
 * this class knows nothing of Flink's sinks.
 */
public final class TransitionParquet {

    static {
        AvroTrust.ensureTrusted();
    }

    private TransitionParquet() {}

    /**
     * A writer of {@link Transition}s to {@code out} ({@link TransitionWriteSupport}) that stores
     * image rows' frames once: what ingest and compaction write. Read its files with {@link
     * #reader}.
     */
    public static ParquetWriter<Transition> writer(
            OutputFile out, LogCompression compression, long rowGroupBytes) throws IOException {
        return writer(out, compression, rowGroupBytes, true);
    }

    /**
     * A writer of {@link Transition}s to {@code out}.
     *
     * @param framesOnce store image rows' frames once; false writes whole images, as files written
     *     before frames were stored once (for tests of such files and size comparisons)
     */
    public static ParquetWriter<Transition> writer(
            OutputFile out, LogCompression compression, long rowGroupBytes, boolean framesOnce)
            throws IOException {
        return writer(out, compression, rowGroupBytes, framesOnce, FrameCodec.LATEST);
    }

    /**
     * A writer that stores frames once in version {@code codec}: {@link FrameCodec#LATEST} is what
     * ReplayFlow writes; an older version only serves tests that such files still read, and
     * benchmarks that compare the versions.
     */
    public static ParquetWriter<Transition> writer(
            OutputFile out,
            LogCompression compression,
            long rowGroupBytes,
            boolean framesOnce,
            FrameCodec codec)
            throws IOException {
        return new TransitionWriterBuilder(out, framesOnce, codec)
                .withConf(ParquetConf.hadoop())
                .withCompressionCodec(compression.codec())
                .withRowGroupSize(rowGroupBytes)
                .withDictionaryEncoding("obs.list.element", false)
                .withDictionaryEncoding("next_obs.list.element", false)
                .withStatisticsEnabled("obs.list.element", false)
                .withStatisticsEnabled("next_obs.list.element", false)
                .withDictionaryEncoding(FrameColumns.FRAMES, false)
                .withStatisticsEnabled(FrameColumns.FRAMES, false)
                // Measured on MinAtar rows: plain ranks and distances compress 5% better here
                // than through a dictionary (obs references the other way round).
                .withDictionaryEncoding(FrameColumns.NEXT_OBS_FRAMES + ".list.element", false)
                .build();
    }

    /**
     * The form for a file whose first row is {@code first}, as ingest and compaction choose it:
     * frames once when it is an image row; a file that starts with a vector row keeps the columns
     * vector files always had (three all-null frame columns cost the writer about 7% CPU on vector
     * rows). A later image row in such a file keeps its whole images.
     */
    public static boolean framesOnceFor(Transition first) {
        return first.getObsImage() != null;
    }

    /**
     * A reader of a log file, frames stored once or whole images, any Transition version: {@link
     * TransitionReader#read} yields full {@link Transition}s in file order with {@code obs_image}
     * and {@code next_obs_image} rebuilt byte for byte. The one way ReplayFlow reads log rows
     * (replay-data's columnar loader reads the same frame columns with the same codec).
     */
    public static TransitionReader reader(InputFile in) throws IOException {
        return TransitionReader.open(in);
    }

    private static final class TransitionWriterBuilder
            extends ParquetWriter.Builder<Transition, TransitionWriterBuilder> {
        private final boolean framesOnce;
        private final FrameCodec codec;

        TransitionWriterBuilder(OutputFile out, boolean framesOnce, FrameCodec codec) {
            super(out);
            this.framesOnce = framesOnce;
            this.codec = codec;
        }

        @Override
        protected TransitionWriterBuilder self() {
            return this;
        }

        @Override
        @Deprecated // still abstract in parquet 1.15; the ParquetConfiguration overload is used
        protected WriteSupport<Transition> getWriteSupport(Configuration conf) {
            return new TransitionWriteSupport(framesOnce, codec);
        }

        @Override
        protected WriteSupport<Transition> getWriteSupport(ParquetConfiguration conf) {
            return new TransitionWriteSupport(framesOnce, codec);
        }
    }

    /**
     * The footer of the file that appending the row groups of files with these footers, in order,
     * makes, when that file reads as their rows in order; empty when they must be rewritten row by
     * row instead. Appending is valid for files this class writes now in one form: all without
     * frames once (vector files), or all with frames once in one codec version ({@link
     * FrameCodec}), one frame window and, per env, one layout and shape: a frame reference is a
     * distance back in the file's frame sequence and each file names the obs of its first row of an
     * episode explicitly, so a file's rows decode the same after any frames before them (see {@link
     * io.replayflow.schemas.frames.FrameEncoder}).
     */
    public static Optional<Map<String, String>> appendedFooter(List<FileMetaData> files) {
        boolean once = TransitionWriteSupport.FRAMES_SCHEMA.equals(files.get(0).getSchema());
        MessageType schema =
                once ? TransitionWriteSupport.FRAMES_SCHEMA : TransitionWriteSupport.SCHEMA;
        String avro =
                (once ? TransitionWriteSupport.FRAMES_AVRO_SCHEMA : Transition.getClassSchema())
                        .toString();
        Map<String, String> merged = new HashMap<>();
        for (FileMetaData file : files) {
            Map<String, String> kv = file.getKeyValueMetaData();
            if (!schema.equals(file.getSchema())
                    || once != kv.containsKey(FrameColumns.KEY)
                    || !sameAvroSchema(avro, kv.get("parquet.avro.schema"))) {
                return Optional.empty();
            }
            for (Map.Entry<String, String> e : kv.entrySet()) {
                String before = merged.putIfAbsent(e.getKey(), e.getValue());
                if (before != null && !before.equals(e.getValue())) {
                    return Optional.empty(); // another window, layout or shape
                }
            }
        }
        return Optional.of(merged);
    }

    private static boolean sameAvroSchema(String current, String written) {
        return written != null && new Schema.Parser().parse(written).toString().equals(current);
    }
}
