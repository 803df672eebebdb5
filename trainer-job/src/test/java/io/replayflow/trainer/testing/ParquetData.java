package io.replayflow.trainer.testing;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.episode.EpisodeEnrichment;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.row.ReplayRowParquet;
import io.replayflow.replay.segment.SegmentCutter;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificData;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes real Parquet files in the layouts the trainer reads: the experience log as ingest writes
 * it ({@code <root>/experience/env_id=…/date=…/hour=…/part-*.parquet}, parquet-avro from the {@code
 * Transition} schema) and replay datasets as the replay-store job writes them ({@code
 * <root>/replay/<name>/…}, replay rows with the job's own n-step enrichment).
 */
public final class ParquetData {

    private ParquetData() {}

    /** Writes {@code transitions} into the experience log, one file per partition. */
    public static List<Path> writeExperience(Path root, List<Transition> transitions) {
        List<Path> files = new ArrayList<>();
        byPartition(transitions)
                .forEach(
                        (partition, rows) -> {
                            Path file = partFile(root.resolve("experience"), partition);
                            writeTransitions(file, rows);
                            files.add(file);
                        });
        return files;
    }

    /**
     * Writes {@code transitions} as the replay dataset {@code name}: each episode enriched with
     * n-step targets by the replay-store job's own code, one file per partition.
     */
    public static List<Path> writeReplay(
            Path root, String name, List<Transition> transitions, int n, double gamma) {
        Map<String, List<ReplayRow>> episodes = new LinkedHashMap<>();
        for (Transition t : transitions) {
            episodes.computeIfAbsent(
                            t.getActorId() + "/" + t.getEpisodeId(), k -> new ArrayList<>())
                    .add(ReplayRow.fromTransition(t));
        }
        Map<PartitionPath, List<ReplayRow>> partitions = new TreeMap<>();
        for (List<ReplayRow> rows : episodes.values()) {
            rows.sort(Comparator.comparingLong(r -> r.step));
            EpisodeEnrichment.enrich(rows, n, gamma);
            for (ReplayRow row : rows) {
                row.priority = 1.0; // the job's initial priority (replay.priority.initial)
                partitions.computeIfAbsent(row.partition(), p -> new ArrayList<>()).add(row);
            }
        }
        List<Path> files = new ArrayList<>();
        Path dataset = root.resolve("replay").resolve(name);
        partitions.forEach(
                (partition, rows) -> {
                    Path file = partFile(dataset, partition);
                    Path tmp = inProgress(file);
                    try (ParquetWriter<ReplayRow> writer =
                            ReplayRowParquet.writer(
                                    new LocalOutputFile(tmp), CompressionCodecName.SNAPPY)) {
                        for (ReplayRow row : rows) {
                            writer.write(row);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    commit(tmp, file);
                    files.add(file);
                });
        return files;
    }

    /**
     * Writes {@code transitions} as a segment dataset ({@code replay.dataset.kind=segments}) named
     * {@code name} under {@code root}, as the replay-store job's segment sink does: each episode
     * cut into segments of at most {@code length} steps ({@link SegmentCutter}), one committed file
     * per hourly partition.
     *
     * @return the number of segments written
     */
    public static int writeSegments(
            Path root, String name, List<Transition> transitions, int length) {
        Map<String, List<ReplayRow>> episodes = new LinkedHashMap<>();
        for (Transition t : transitions) {
            episodes.computeIfAbsent(
                            t.getActorId() + "/" + t.getEpisodeId(), k -> new ArrayList<>())
                    .add(ReplayRow.fromTransition(t));
        }
        Map<PartitionPath, List<ReplayRow>> partitions = new TreeMap<>();
        int segments = 0;
        for (List<ReplayRow> rows : episodes.values()) {
            rows.sort(Comparator.comparingLong(r -> r.step));
            segments += SegmentCutter.cut(rows, length);
            for (ReplayRow row : rows) {
                partitions.computeIfAbsent(row.partition(), p -> new ArrayList<>()).add(row);
            }
        }
        Path dataset = root.resolve("replay").resolve(name);
        partitions.forEach(
                (partition, rows) -> {
                    Path file = partFile(dataset, partition);
                    Path tmp = inProgress(file);
                    try (ParquetWriter<ReplayRow> writer =
                            ReplayRowParquet.writer(
                                    new LocalOutputFile(tmp), CompressionCodecName.SNAPPY, true)) {
                        for (ReplayRow row : rows) {
                            writer.write(row);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    commit(tmp, file);
                });
        return segments;
    }

    /**
     * Writes one experience-log file with parquet-avro, as ingest does: into a hidden in-progress
     * file first, renamed into place when complete (readers only see committed files).
     */
    public static void writeTransitions(Path file, List<Transition> rows) {
        Path tmp = inProgress(file);
        try (ParquetWriter<Transition> writer =
                AvroParquetWriter.<Transition>builder(new LocalOutputFile(tmp))
                        .withSchema(Transition.getClassSchema())
                        .withDataModel(SpecificData.getForClass(Transition.class))
                        .withConf(new Configuration(false))
                        .withCompressionCodec(CompressionCodecName.SNAPPY)
                        .build()) {
            for (Transition t : rows) {
                writer.write(t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        commit(tmp, file);
    }

    private static Path inProgress(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".inprogress");
    }

    private static void commit(Path tmp, Path file) {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<PartitionPath, List<Transition>> byPartition(List<Transition> rows) {
        Map<PartitionPath, List<Transition>> out = new TreeMap<>();
        for (Transition t : rows) {
            out.computeIfAbsent(
                            PartitionPath.of(t.getEnvId(), t.getEventTimeMs()),
                            p -> new ArrayList<>())
                    .add(t);
        }
        return out;
    }

    private static Path partFile(Path dataset, PartitionPath partition) {
        Path dir = dataset.resolve(partition.relativePath());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve("part-" + UUID.randomUUID() + ".parquet");
    }
}
