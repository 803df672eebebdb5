package io.replayflow.ingest.inspect;

import io.replayflow.ingest.inspect.DatasetReport.Partition;
import io.replayflow.ingest.inspect.DatasetReport.ReturnStats;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * Reads the visible files of an experience log once, column-projected (no observations), and
 * aggregates what the report shows. Holds one small entry per episode in memory.
 */
final class ExperienceLogScanner {

    private static final List<String> COLUMNS =
            List.of(
                    "env_id",
                    "actor_id",
                    "episode_id",
                    "step",
                    "event_time_ms",
                    "reward",
                    "terminated",
                    "truncated",
                    "policy_version");

    private static final Schema PROJECTION = projection();

    private final Map<String, Long> byEnv = new TreeMap<>();
    private final Map<List<String>, Episode> episodes = new HashMap<>();
    private final List<Partition> partitions = new ArrayList<>();
    private long rows;
    private long staging;
    private long firstMs = Long.MAX_VALUE;
    private long lastMs = Long.MIN_VALUE;

    /** What one episode contributes. */
    private static final class Episode {
        double sum;
        long lastStep = -1;
        long policyVersion;
        boolean finished;
    }

    void scan(Path experience) throws IOException {
        FileSystem fs = experience.getFileSystem();
        if (!fs.exists(experience)) {
            return;
        }
        walk(fs, experience, experience);
        partitions.sort((a, b) -> a.path().compareTo(b.path()));
    }

    private void walk(FileSystem fs, Path root, Path dir) throws IOException {
        int files = 0;
        long dirRows = 0;
        long dirBytes = 0;
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isDir()) {
                walk(fs, root, status.getPath());
            } else if (name.startsWith(".") || name.startsWith("_")) {
                staging++;
            } else if (name.endsWith(".parquet")) {
                files++;
                dirBytes += status.getLen();
                dirRows += read(status.getPath());
            }
        }
        if (files > 0) {
            String relative = root.toUri().relativize(dir.toUri()).getPath();
            partitions.add(new Partition(relative.replaceAll("/$", ""), files, dirRows, dirBytes));
        }
    }

    private long read(Path file) throws IOException {
        long n = 0;
        try (ParquetReader<GenericRecord> reader =
                AvroParquetReader.<GenericRecord>builder(
                                FlinkInputFile.of(file), ParquetConf.parquet())
                        .withDataModel(GenericData.get())
                        .set(AvroReadSupport.AVRO_REQUESTED_PROJECTION, PROJECTION.toString())
                        .build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                add(r);
                n++;
            }
        }
        return n;
    }

    private void add(GenericRecord r) {
        rows++;
        byEnv.merge(r.get("env_id").toString(), 1L, Long::sum);
        long time = (Long) r.get("event_time_ms");
        firstMs = Math.min(firstMs, time);
        lastMs = Math.max(lastMs, time);
        Episode e =
                episodes.computeIfAbsent(
                        List.of(r.get("actor_id").toString(), r.get("episode_id").toString()),
                        k -> new Episode());
        e.sum += (Float) r.get("reward");
        long step = (Long) r.get("step");
        if (step > e.lastStep) {
            e.lastStep = step;
            e.policyVersion = (Long) r.get("policy_version");
        }
        e.finished |= (Boolean) r.get("terminated") || (Boolean) r.get("truncated");
    }

    long rows() {
        return rows;
    }

    long staging() {
        return staging;
    }

    SortedMap<String, Long> byEnv() {
        return new TreeMap<>(byEnv);
    }

    long episodes() {
        return episodes.size();
    }

    long finishedEpisodes() {
        return episodes.values().stream().filter(e -> e.finished).count();
    }

    long firstMs() {
        return firstMs;
    }

    long lastMs() {
        return lastMs;
    }

    List<Partition> partitions() {
        return List.copyOf(partitions);
    }

    SortedMap<Long, ReturnStats> returnsByPolicyVersion() {
        Map<Long, double[]> acc = new TreeMap<>(); // count, sum, min, max
        for (Episode e : episodes.values()) {
            if (!e.finished) {
                continue;
            }
            double[] a =
                    acc.computeIfAbsent(
                            e.policyVersion,
                            v ->
                                    new double[] {
                                        0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
                                    });
            a[0]++;
            a[1] += e.sum;
            a[2] = Math.min(a[2], e.sum);
            a[3] = Math.max(a[3], e.sum);
        }
        SortedMap<Long, ReturnStats> stats = new TreeMap<>();
        acc.forEach((v, a) -> stats.put(v, new ReturnStats((long) a[0], a[1] / a[0], a[2], a[3])));
        return stats;
    }

    private static Schema projection() {
        Schema full = Transition.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (String column : COLUMNS) {
            Schema.Field f = full.getField(column);
            fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
        }
        return Schema.createRecord(
                full.getName(), full.getDoc(), full.getNamespace(), false, fields);
    }
}
