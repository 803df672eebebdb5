package io.replayflow.replay.backfill;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * The backfill benchmark's input: a synthetic CartPole-v1 experience log (4-float observations,
 * episodes of 10-200 steps, 20 ms apart) written with the log's own Parquet writer (ZSTD, 64 MB row
 * groups, as ingest writes it), spread evenly over hourly partitions. {@code replayflow bench
 * backfill} writes it, then times {@link Backfill#run} over it.
 */
public final class BackfillBenchmark {

    private BackfillBenchmark() {}

    /**
     * Writes {@code rows} transitions over {@code hours} hourly partitions from {@code startMs}.
     */
    public static void writeLog(URI dataRoot, long rows, int hours, long startMs, long seed)
            throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        long perHour = (rows + hours - 1) / hours;
        long written = 0;
        int episode = 0;
        for (int h = 0; h < hours && written < rows; h++) {
            long hourStart = startMs + h * PartitionPath.HOUR_MS;
            PartitionPath partition = PartitionPath.of("CartPole-v1", hourStart);
            Path file =
                    new Path(
                            DatasetLayout.child(
                                            DatasetLayout.experienceLog(dataRoot),
                                            partition.relativePath())
                                    + "part-bench.parquet");
            long inHour = Math.min(perHour, rows - written);
            try (ParquetWriter<Transition> writer =
                    TransitionParquet.writer(
                            new FlinkOutputFile(
                                    FileSystem.getLocalFileSystem()
                                            .create(file, FileSystem.WriteMode.OVERWRITE)),
                            LogCompression.ZSTD,
                            64L << 20)) {
                long i = 0;
                while (i < inHour) {
                    int length = (int) Math.min(inHour - i, 10 + rng.nextInt(191));
                    String id = "ep-" + episode++;
                    for (int step = 0; step < length; step++, i++) {
                        writer.write(
                                step(
                                        id,
                                        step,
                                        hourStart + i * 20 % PartitionPath.HOUR_MS,
                                        step == length - 1,
                                        rng));
                    }
                }
            }
            written += inHour;
        }
    }

    private static Transition step(
            String episode, int step, long eventTimeMs, boolean last, SplittableRandom rng) {
        List<Float> obs = new ArrayList<>(4);
        List<Float> next = new ArrayList<>(4);
        for (int k = 0; k < 4; k++) {
            obs.add((float) rng.nextGaussian());
            next.add((float) rng.nextGaussian());
        }
        return Transition.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("actor-" + (episode.hashCode() & 7))
                .setEpisodeId(episode)
                .setStep(step)
                .setEventTimeMs(eventTimeMs)
                .setObs(obs)
                .setAction(rng.nextInt(2))
                .setReward(1.0f)
                .setNextObs(next)
                .setTerminated(last)
                .setTruncated(false)
                .setBehaviorProb(0.5f)
                .setPolicyVersion(0)
                .build();
    }
}
