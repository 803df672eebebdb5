package io.replayflow.log.parquet;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.AvroTrust;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

/**
 * How the experience log writes Parquet: one column per {@link Transition} field, float vectors as
 * the standard three-level {@code LIST<FLOAT>} ({@code obs.list.element}), which DuckDB reads as
 * {@code FLOAT[]} and Spark as {@code array<float>}; the chosen codec; bounded row groups.
 * Dictionary encoding and min/max statistics are off for the float vectors, whose values rarely
 * repeat and are never filtered on.
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
        return new TransitionWriterBuilder(out, framesOnce)
                .withCompressionCodec(compression.codec())
                .withRowGroupSize(rowGroupBytes)
                .withDictionaryEncoding("obs.list.element", false)
                .withDictionaryEncoding("next_obs.list.element", false)
                .withStatisticsEnabled("obs.list.element", false)
                .withStatisticsEnabled("next_obs.list.element", false)
                .build();
    }

    /**
     * A writer of generic records of the current Transition schema, with the same codec, row groups
     * and list layout as {@link #writer} (ingest's compaction rewrites older files through it).
     */
    public static ParquetWriter<GenericData.Record> genericWriter(
            OutputFile out, LogCompression compression, long rowGroupBytes) throws IOException {
        return configure(
                        AvroParquetWriter.<GenericData.Record>builder(out)
                                .withDataModel(GenericData.get()),
                        Transition.getClassSchema(),
                        compression,
                        rowGroupBytes)
                .build();
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

        TransitionWriterBuilder(OutputFile out, boolean framesOnce) {
            super(out);
            this.framesOnce = framesOnce;
        }

        @Override
        protected TransitionWriterBuilder self() {
            return this;
        }

        @Override
        @Deprecated // still abstract in parquet 1.15; the ParquetConfiguration overload is used
        protected WriteSupport<Transition> getWriteSupport(Configuration conf) {
            return new TransitionWriteSupport(framesOnce);
        }

        @Override
        protected WriteSupport<Transition> getWriteSupport(ParquetConfiguration conf) {
            return new TransitionWriteSupport(framesOnce);
        }
    }

    private static <T> AvroParquetWriter.Builder<T> configure(
            AvroParquetWriter.Builder<T> builder,
            Schema schema,
            LogCompression compression,
            long rowGroupBytes) {
        return builder.withSchema(schema)
                .withCompressionCodec(compression.codec())
                .withRowGroupSize(rowGroupBytes)
                .withDictionaryEncoding("obs.list.element", false)
                .withDictionaryEncoding("next_obs.list.element", false)
                .config(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, "false");
    }
}
