package io.replayflow.replay.data.testing;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.row.ReplayRowParquet;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes Parquet files in the layouts the reader reads: experience-log files the way ingest writes
 * them (parquet-avro from the {@code Transition} schema, Hive partitions, {@code *.parquet}), and
 * replay-row files the way the job writes them.
 */
public final class ExperienceFiles {

    private ExperienceFiles() {}

    /**
     * Writes {@code transitions} under {@code datasetDir}, one file per partition they fall in, and
     * returns the files by partition.
     */
    public static Map<PartitionPath, java.nio.file.Path> writePartitioned(
            java.nio.file.Path datasetDir, List<Transition> transitions) {
        Map<PartitionPath, List<Transition>> byPartition = new TreeMap<>();
        for (Transition t : transitions) {
            byPartition
                    .computeIfAbsent(
                            PartitionPath.of(t.getEnvId(), t.getEventTimeMs()),
                            p -> new java.util.ArrayList<>())
                    .add(t);
        }
        Map<PartitionPath, java.nio.file.Path> files = new TreeMap<>();
        byPartition.forEach(
                (partition, rows) -> {
                    java.nio.file.Path dir = datasetDir.resolve(partition.relativePath());
                    java.nio.file.Path file = dir.resolve("part-" + UUID.randomUUID() + ".parquet");
                    writeTransitions(file, rows);
                    files.put(partition, file);
                });
        return files;
    }

    /** Writes one experience-log file with parquet-avro, as ingest does. */
    public static void writeTransitions(java.nio.file.Path file, List<Transition> rows) {
        try {
            Files.createDirectories(file.getParent());
            Path path = new Path(file.toUri());
            FSDataOutputStream out =
                    FileSystem.getLocalFileSystem().create(path, FileSystem.WriteMode.OVERWRITE);
            try (ParquetWriter<Transition> writer =
                    AvroParquetWriter.<Transition>builder(new FlinkOutputFile(out))
                            .withSchema(Transition.getClassSchema())
                            .withDataModel(SpecificData.getForClass(Transition.class))
                            .withConf(new Configuration(false))
                            .withCompressionCodec(CompressionCodecName.SNAPPY)
                            .build()) {
                for (Transition t : rows) {
                    writer.write(t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one replay-row file, as the job's sink does. */
    public static void writeReplayRows(java.nio.file.Path file, List<ReplayRow> rows) {
        writeRows(file, rows, false);
    }

    /**
     * Writes one segment-dataset file ({@code replay.dataset.kind=segments}), as the job's sink
     * does; the rows' segment fields must be set ({@code SegmentCutter.cut}).
     */
    public static void writeSegmentRows(java.nio.file.Path file, List<ReplayRow> rows) {
        writeRows(file, rows, true);
    }

    private static void writeRows(java.nio.file.Path file, List<ReplayRow> rows, boolean segments) {
        try {
            Files.createDirectories(file.getParent());
            Path path = new Path(file.toUri());
            FSDataOutputStream out =
                    FileSystem.getLocalFileSystem().create(path, FileSystem.WriteMode.OVERWRITE);
            try (ParquetWriter<ReplayRow> writer =
                    ReplayRowParquet.writer(
                            new FlinkOutputFile(out), CompressionCodecName.SNAPPY, segments)) {
                for (ReplayRow row : rows) {
                    writer.write(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
