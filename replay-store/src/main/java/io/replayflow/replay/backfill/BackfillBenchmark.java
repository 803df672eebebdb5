package io.replayflow.replay.backfill;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.layout.DatasetFiles;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.job.ReplayStorePipeline;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * The backfill benchmark's input: a synthetic CartPole-v1 experience log (4-float observations,
 * episodes of 10-200 steps, 20 ms apart) written with the log's own Parquet writer (ZSTD, 64 MB row
 * groups, as ingest writes it), spread evenly over hourly partitions. {@code replayflow bench
 * backfill} writes it, then times {@link Backfill#run} over it, and with {@code --streaming} the
 * streaming job's operators over the same rows ({@link #runStreaming}).
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
                            64L << 20,
                            false)) { // as ingest writes vector rows (framesOnceFor)
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

    /** A streaming run over the log: rows read, rows in the dataset, wall time. */
    public record StreamingResult(long rowsRead, long rowsWritten, Duration elapsed) {

        public double rowsPerSecond() {
            return rowsRead / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Runs the streaming replay-store job's operators ({@link ReplayStorePipeline#build}, the graph
     * {@code ReplayStoreJob} runs: keyed state, priority router and store, window expiry, the
     * exactly-once sink) in STREAMING mode over every file of the log under {@code
     * config.dataRoot()}, read by the backfill's bounded source, with checkpoints every {@code
     * checkpointInterval} (the sink commits on them; the last one after the input ends). What it
     * leaves out of the job: Kafka and the Avro decoding of the topic's records ({@code
     * TransitionDeserializer}); rows enter as {@link ReplayRow#fromTransition}, as the deserializer
     * makes them. Times from listing the files to the job's end, MiniCluster start included.
     */
    public static StreamingResult runStreaming(
            StreamExecutionEnvironment env, ReplayStoreConfig config, Duration checkpointInterval)
            throws Exception {
        long started = System.nanoTime();
        List<DataFile> files =
                DatasetFiles.list(
                        new Path(DatasetLayout.experienceLog(config.dataRoot())), p -> true);
        long rows = Backfill.rowCount(files);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        FileSource<Transition> source =
                FileSource.forRecordStreamFormat(
                                new TransitionLogFormat(),
                                files.stream().map(DataFile::path).toArray(Path[]::new))
                        .build();
        DataStream<ReplayRow> transitions =
                env.fromSource(
                                source,
                                WatermarkStrategy.<Transition>forBoundedOutOfOrderness(
                                                config.outOfOrderness())
                                        .withTimestampAssigner((t, previous) -> t.getEventTimeMs()),
                                "experience log")
                        .map(ReplayRow::fromTransition, TypeInformation.of(ReplayRow.class))
                        .name("transitions as the topic's deserializer makes them");
        DataStream<PriorityEntry> noUpdates =
                transitions
                        .flatMap(
                                (ReplayRow row, Collector<PriorityEntry> out) -> {},
                                TypeInformation.of(PriorityEntry.class))
                        .name("no priority updates");
        ReplayStorePipeline.build(transitions, noUpdates, config);
        env.execute("replayflow-bench-replay-store-streaming");
        long written =
                Backfill.rowCount(DatasetFiles.list(new Path(config.datasetUri()), p -> true));
        return new StreamingResult(rows, written, Duration.ofNanos(System.nanoTime() - started));
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
