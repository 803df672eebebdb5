package io.replayflow.ingest.log;

import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.connector.file.sink.compactor.OutputStreamBasedFileCompactor;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the small per-checkpoint Parquet files of one log partition into one file, inside Flink's
 * file sink compaction ({@code FileSink.enableCompact}), so it is exactly-once like the rest of the
 * sink: the inputs are hidden staging files, the merged file is committed with the checkpoint and
 * the inputs are deleted.
 *
 * <p>Two ways to merge, chosen per compaction:
 *
 * <ul>
 *   <li><b>append</b> the inputs' row groups byte for byte ({@link ParquetFileWriter#appendFile})
 *       when they average at least {@value #APPEND_MIN_AVERAGE_BYTES} bytes each and all were
 *       written with the current schema: no decoding, no re-compression, cost ≈ copying the bytes.
 *       That is the busy case (a checkpoint's worth of a fast stream per file);
 *   <li><b>rewrite</b> record by record otherwise: a trickle's tiny files become one well-sized row
 *       group instead of many tiny ones (cheap, as there is little data), and records of an older
 *       Transition schema are carried into the current one (fields added since get defaults).
 * </ul>
 */
public final class ParquetCompactor extends OutputStreamBasedFileCompactor {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParquetCompactor.class);
    private static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

    /** Inputs averaging at least this size are appended row group by row group. */
    static final long APPEND_MIN_AVERAGE_BYTES = 1L << 20;

    private final LogCompression compression;
    private final long rowGroupBytes;
    private final long appendMinAverageBytes;

    public ParquetCompactor(LogCompression compression, long rowGroupBytes) {
        this(compression, rowGroupBytes, APPEND_MIN_AVERAGE_BYTES);
    }

    ParquetCompactor(LogCompression compression, long rowGroupBytes, long appendMinAverageBytes) {
        this.compression = Objects.requireNonNull(compression, "compression");
        this.rowGroupBytes = rowGroupBytes;
        this.appendMinAverageBytes = appendMinAverageBytes;
    }

    @Override
    protected void doCompact(List<Path> inputs, OutputStream out) throws Exception {
        List<FlinkInputFile> files = new ArrayList<>(inputs.size());
        long bytes = 0;
        for (Path input : inputs) {
            FlinkInputFile file = FlinkInputFile.of(input);
            files.add(file);
            bytes += file.getLength();
        }
        List<ParquetMetadata> footers = footers(files);
        long started = System.nanoTime();
        boolean append = bytes >= appendMinAverageBytes * files.size() && allCurrent(footers);
        if (append) {
            append(files, footers, out);
        } else {
            rewrite(files, out);
        }
        LOG.debug(
                "Compacted {} files, {} bytes, by {} in {} ms",
                files.size(),
                bytes,
                append ? "appending row groups" : "rewriting records",
                (System.nanoTime() - started) / 1_000_000);
    }

    private void append(List<FlinkInputFile> files, List<ParquetMetadata> footers, OutputStream out)
            throws IOException {
        MessageType schema = footers.get(0).getFileMetaData().getSchema();
        ParquetFileWriter writer =
                new ParquetFileWriter(
                        new StreamOutputFile(out),
                        schema,
                        ParquetFileWriter.Mode.CREATE,
                        rowGroupBytes,
                        0,
                        null,
                        ParquetProperties.builder().build());
        writer.start();
        for (FlinkInputFile file : files) {
            writer.appendFile(file);
        }
        writer.end(footers.get(0).getFileMetaData().getKeyValueMetaData());
    }

    private void rewrite(List<FlinkInputFile> files, OutputStream out) throws IOException {
        Schema current = Transition.getClassSchema();
        try (ParquetWriter<GenericData.Record> writer =
                TransitionParquet.genericWriter(
                        new StreamOutputFile(out), compression, rowGroupBytes)) {
            for (FlinkInputFile file : files) {
                try (ParquetReader<GenericRecord> reader =
                        AvroParquetReader.<GenericRecord>builder(file)
                                .withDataModel(GenericData.get())
                                .build()) {
                    for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                        writer.write(toSchema(r, current));
                    }
                }
            }
        }
    }

    /** {@code record} as a record of {@code schema}: same fields by name, defaults for new ones. */
    static GenericData.Record toSchema(GenericRecord record, Schema schema) {
        if (record instanceof GenericData.Record same && same.getSchema().equals(schema)) {
            return same;
        }
        GenericData.Record converted = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Schema.Field old = record.getSchema().getField(field.name());
            converted.put(
                    field.pos(),
                    old != null ? record.get(old.pos()) : GenericData.get().getDefaultValue(field));
        }
        return converted;
    }

    private static List<ParquetMetadata> footers(List<FlinkInputFile> files) throws IOException {
        List<ParquetMetadata> footers = new ArrayList<>(files.size());
        for (FlinkInputFile file : files) {
            try (ParquetFileReader reader = ParquetFileReader.open(file)) {
                footers.add(reader.getFooter());
            }
        }
        return footers;
    }

    private static boolean allCurrent(List<ParquetMetadata> footers) {
        String current = Transition.getClassSchema().toString();
        MessageType first = footers.get(0).getFileMetaData().getSchema();
        for (ParquetMetadata footer : footers) {
            Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
            if (!first.equals(footer.getFileMetaData().getSchema())
                    || !sameSchema(current, kv.get(AVRO_SCHEMA_KEY))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameSchema(String current, String written) {
        return written != null && new Schema.Parser().parse(written).toString().equals(current);
    }
}
