package io.replayflow.replay.read;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.replay.episode.EpisodeEnrichment;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.row.ReplayRowParquet;
import io.replayflow.replay.sample.BetaSchedule;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.core.fs.FileSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Load benchmark of the reader: 1M CartPole transitions from Parquet into a {@link ReplayDataset}.
 * Target: at most 3 s and 100 MB of heap. Not a test; run from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -o -pl replay-store test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx256m -XX:+UseSerialGC -cp %classpath io.replayflow.replay.read.ReplayLoadBenchmark"
 * </pre>
 *
 * It writes, once, into {@code target/load-benchmark/}: an experience log the way ingest writes it
 * (parquet-avro from {@code Transition}, SNAPPY, 8 files over 4 hourly partitions) and the same
 * transitions as a replay dataset (n = 3, gamma = 0.99, the job's writer). It then opens each
 * several times and prints the load time, rows/s and the heap retained after a full GC. Run with a
 * small {@code -Xmx} to show that the load fits in it, peak included.
 */
public final class ReplayLoadBenchmark {

    private static final int ROWS = 1_000_000;
    private static final int FILES = 8;
    private static final long T0 =
            1_763_600_000_000L / PartitionPath.HOUR_MS * PartitionPath.HOUR_MS;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private ReplayLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "target/load-benchmark").toAbsolutePath();
        Path experience = root.resolve(DatasetLayout.EXPERIENCE_DIR);
        Path replay = root.resolve(DatasetLayout.REPLAY_DIR).resolve("bench");
        if (!Files.exists(replay)) {
            long started = System.nanoTime();
            write(experience, replay);
            System.out.printf(
                    "wrote %,d transitions twice in %.1f s to %s%n",
                    ROWS, (System.nanoTime() - started) / 1e9, root);
        }
        System.out.printf(
                "JVM: %s %s, max heap %d MB, %d cores%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        for (int run = 1; run <= 3; run++) {
            measure("experience log, uniform     ", experience, ReplayReadOptions.defaults(), run);
        }
        if (args.length > 1 && args[1].equals("--experience-only")) {
            return;
        }
        ReplayReadOptions prioritized =
                ReplayReadOptions.builder()
                        .sampler(SamplerSpec.prioritized(0.6, new BetaSchedule(0.4, 100_000)))
                        .build();
        for (int run = 1; run <= 2; run++) {
            measure("replay dataset, uniform     ", replay, ReplayReadOptions.defaults(), run);
            measure("replay dataset, prioritized ", replay, prioritized, run);
        }
    }

    private static void measure(String label, Path dir, ReplayReadOptions options, int run)
            throws IOException {
        long before = usedAfterGc();
        long started = System.nanoTime();
        ReplayDataset data = ReplayDataset.open(dir.toUri(), options);
        double seconds = (System.nanoTime() - started) / 1e9;
        long after = usedAfterGc();
        ReplayBatch batch = data.newBatch(256);
        data.sample(batch);
        System.out.printf(
                "%s run %d: %,d rows from %d files in %.2f s (%,.0f rows/s); heap retained %.1f"
                        + " MB (columns %.1f MB)%n",
                label,
                run,
                data.liveRows(),
                data.loadedFiles(),
                seconds,
                data.liveRows() / seconds,
                (after - before) / 1e6,
                data.columnBytes() / 1e6);
        data.close();
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** Streams CartPole-like episodes into FILES files of each layout, never holding them all. */
    private static void write(Path experience, Path replay) throws IOException {
        SplittableRandom rng = new SplittableRandom(42);
        int perFile = ROWS / FILES;
        int episode = 0;
        for (int f = 0; f < FILES; f++) {
            long hour = T0 + (f / 2) * PartitionPath.HOUR_MS;
            PartitionPath partition = PartitionPath.of("CartPole-v1", hour);
            String name = "part-" + f + ".parquet";
            Path logFile = experience.resolve(partition.relativePath()).resolve(name);
            Path replayFile = replay.resolve(partition.relativePath()).resolve(name);
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(replayFile.getParent());
            try (ParquetWriter<Transition> log = avroWriter(logFile);
                    ParquetWriter<ReplayRow> rows = replayWriter(replayFile)) {
                int written = 0;
                while (written < perFile) {
                    int length = Math.min(perFile - written, 10 + rng.nextInt(191));
                    List<ReplayRow> steps = new ArrayList<>(length);
                    for (int t = 0; t < length; t++) {
                        Transition tr =
                                transition(
                                        rng, "ep-" + episode, episode, t, length, hour + written);
                        log.write(tr);
                        steps.add(ReplayRow.fromTransition(tr));
                        written++;
                    }
                    EpisodeEnrichment.enrich(steps, 3, 0.99);
                    for (ReplayRow row : steps) {
                        row.priority = 1.0;
                        rows.write(row);
                    }
                    episode++;
                }
            }
        }
    }

    private static Transition transition(
            SplittableRandom rng, String episodeId, int episode, int t, int length, long time) {
        List<Float> obs = new ArrayList<>(4);
        List<Float> next = new ArrayList<>(4);
        for (int k = 0; k < 4; k++) {
            obs.add((float) rng.nextGaussian());
            next.add((float) rng.nextGaussian());
        }
        return Transition.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("actor-" + (episode % 8))
                .setEpisodeId(episodeId)
                .setStep(t)
                .setEventTimeMs(time)
                .setObs(obs)
                .setAction(rng.nextInt(2))
                .setReward(1.0f)
                .setNextObs(next)
                .setTerminated(t == length - 1)
                .setTruncated(false)
                .setBehaviorProb(0.5f)
                .setPolicyVersion(episode / 1000)
                .build();
    }

    private static ParquetWriter<Transition> avroWriter(Path file) throws IOException {
        return AvroParquetWriter.<Transition>builder(
                        new FlinkOutputFile(
                                FileSystem.getLocalFileSystem()
                                        .create(
                                                new org.apache.flink.core.fs.Path(file.toUri()),
                                                FileSystem.WriteMode.OVERWRITE)))
                .withSchema(Transition.getClassSchema())
                .withDataModel(SpecificData.getForClass(Transition.class))
                .withConf(new Configuration(false))
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    private static ParquetWriter<ReplayRow> replayWriter(Path file) throws IOException {
        return ReplayRowParquet.writer(
                new FlinkOutputFile(
                        FileSystem.getLocalFileSystem()
                                .create(
                                        new org.apache.flink.core.fs.Path(file.toUri()),
                                        FileSystem.WriteMode.OVERWRITE)),
                CompressionCodecName.SNAPPY);
    }
}
