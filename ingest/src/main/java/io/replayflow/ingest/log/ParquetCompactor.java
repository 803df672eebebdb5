package io.replayflow.ingest.log;

import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.connector.file.sink.compactor.OutputStreamBasedFileCompactor;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.FileMetaData;
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
 *       written by the current writer in one form (all frames-once with agreeing footers, or all
 *       with the plain columns of vector files; {@link TransitionParquet#appendedFooter}: frame
 *       references are relative, so frames-once files concatenate): no decoding, no re-compression,
 *       cost ≈ copying the bytes. That is the busy case (a checkpoint's worth of a fast stream per
 *       file);
 *   <li><b>rewrite</b> row by row otherwise, through the log's one reader and writer ({@link
 *       TransitionParquet#reader}, {@link TransitionParquet#writer}): images are rebuilt and their
 *       frames stored once again, a trickle's tiny files become one well-sized row group instead of
 *       many tiny ones (cheap, as there is little data), and rows of an older file (an older
 *       Transition schema, whole images) are carried into the current format.
 * </ul>
 */
public final class ParquetCompactor extends OutputStreamBasedFileCompactor {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParquetCompactor.class);

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
        List<FileMetaData> footers = footers(files);
        long started = System.nanoTime();
        Optional<Map<String, String>> appended =
                bytes >= appendMinAverageBytes * files.size()
                        ? TransitionParquet.appendedFooter(footers)
                        : Optional.empty();
        if (appended.isPresent()) {
            append(files, footers.get(0).getSchema(), appended.get(), out);
        } else {
            rewrite(files, out);
        }
        LOG.debug(
                "Compacted {} files, {} bytes, by {} in {} ms",
                files.size(),
                bytes,
                appended.isPresent() ? "appending row groups" : "rewriting rows",
                (System.nanoTime() - started) / 1_000_000);
    }

    private void append(
            List<FlinkInputFile> files,
            MessageType schema,
            Map<String, String> footer,
            OutputStream out)
            throws IOException {
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
        writer.end(footer);
    }

    /**
     * Rewrites every row; the first row chooses the form ({@link TransitionParquet#framesOnceFor}).
     */
    private void rewrite(List<FlinkInputFile> files, OutputStream out) throws IOException {
        ParquetWriter<Transition> writer = null;
        try {
            for (FlinkInputFile file : files) {
                try (TransitionReader reader = TransitionParquet.reader(file)) {
                    for (Transition t = reader.read(); t != null; t = reader.read()) {
                        if (writer == null) {
                            writer =
                                    TransitionParquet.writer(
                                            new StreamOutputFile(out),
                                            compression,
                                            rowGroupBytes,
                                            TransitionParquet.framesOnceFor(t));
                        }
                        writer.write(t);
                    }
                }
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    private static List<FileMetaData> footers(List<FlinkInputFile> files) throws IOException {
        List<FileMetaData> footers = new ArrayList<>(files.size());
        for (FlinkInputFile file : files) {
            try (ParquetFileReader reader = ParquetConf.open(file)) {
                footers.add(reader.getFooter().getFileMetaData());
            }
        }
        return footers;
    }
}
