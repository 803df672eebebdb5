package io.replayflow.replay.backfill;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.layout.DatasetFiles;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.job.ReplayStorePipeline;
import io.replayflow.replay.job.internal.EpisodeHashKey;
import io.replayflow.replay.job.internal.EpisodeRunCheck;
import io.replayflow.replay.job.internal.ReplayRowTypeInfo;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.scoring.PolicyAnnouncement;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a replay dataset from the experience log: the replay-store job's operators ({@link
 * ReplayStorePipeline#buildBatch}) in Flink's BATCH runtime mode over the log's committed files in
 * a {@link BackfillRange}, read by a bounded {@link FileSource} ({@link LogRowFormat}: whole files;
 * vector files column by column into rows, image files through the log's reader, which rebuilds
 * their stored frames). The dataset appears whole or not at all ({@link DatasetSwap}).
 *
 * <pre>{@code
 * ReplayStoreConfig config = ReplayStoreConfig.builder()
 *         .dataRoot(URI.create("file:///data/rf/")).datasetName("cartpole-n5").nStep(5).build();
 * Backfill.Result r = Backfill.run(env, config, BackfillRange.all(), p -> {}, Duration.ofSeconds(1));
 * }</pre>
 */
public final class Backfill {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private Backfill() {}

    /** What a running backfill has read so far (partitions: as started by the readers). */
    public record Progress(
            long rowsRead,
            long rowsTotal,
            long partitionsRead,
            long partitionsTotal,
            Duration elapsed) {}

    /**
     * A finished backfill.
     *
     * @param rowsRead log rows read (in the range's partitions)
     * @param rowsWritten rows in the published dataset
     * @param partitions log partitions read
     * @param files log files read
     */
    public record Result(
            java.net.URI dataset,
            long rowsRead,
            long rowsWritten,
            int partitions,
            int files,
            Duration elapsed) {

        /** Log rows read per second. */
        public double rowsPerSecond() {
            return rowsRead / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Runs the backfill on {@code env} (set to BATCH mode here), reporting progress every {@code
     * interval}, and publishes {@code <root>/replay/<config.datasetName>/}.
     *
     * @throws IllegalArgumentException when the target cannot be (re)placed
     * @throws Exception when the job fails; the dataset is then left as it was
     */
    public static Result run(
            StreamExecutionEnvironment env,
            ReplayStoreConfig config,
            BackfillRange range,
            Consumer<Progress> progress,
            Duration interval)
            throws Exception {
        return run(env, config, range, null, progress, interval);
    }

    /**
     * As {@link #run(StreamExecutionEnvironment, ReplayStoreConfig, BackfillRange, Consumer,
     * Duration)}, with every row's initial priority scored by {@code scoreWith} (the streaming
     * job's TD scorer; its artifact must lie under {@code replay.priority.scoring.policy-root});
     * null: rows enter at {@code replay.priority.initial}.
     */
    public static Result run(
            StreamExecutionEnvironment env,
            ReplayStoreConfig config,
            BackfillRange range,
            PolicyAnnouncement scoreWith,
            Consumer<Progress> progress,
            Duration interval)
            throws Exception {
        return run(env, config, range, scoreWith, progress, interval, EpisodeHashKey.FULL);
    }

    /**
     * As above, keyed by {@code hashKey} first; when two episodes tie on it the job fails ({@link
     * EpisodeRunCheck#COLLISION}) and runs again with the exact key. Tests pass a key with few bits
     * to take that path.
     */
    static Result run(
            StreamExecutionEnvironment env,
            ReplayStoreConfig config,
            BackfillRange range,
            PolicyAnnouncement scoreWith,
            Consumer<Progress> progress,
            Duration interval,
            EpisodeHashKey hashKey)
            throws Exception {
        long started = System.nanoTime();
        DatasetSwap swap =
                DatasetSwap.prepare(config.dataRoot(), config.datasetName(), Instant.now());
        List<DataFile> files =
                DatasetFiles.list(
                        new Path(DatasetLayout.experienceLog(config.dataRoot())),
                        range::mayInclude);
        long rowsTotal = rowCount(files);
        Set<PartitionPath> partitions = new HashSet<>();
        files.forEach(f -> f.partition().ifPresent(partitions::add));
        if (!files.isEmpty()) {
            int partitionsTotal = partitions.size();
            Attempt attempt =
                    key ->
                            execute(
                                    env,
                                    config,
                                    range,
                                    scoreWith,
                                    files,
                                    swap,
                                    key,
                                    started,
                                    rowsTotal,
                                    partitionsTotal,
                                    progress,
                                    interval);
            try {
                attempt.run(hashKey);
            } catch (Exception e) {
                swap.abort();
                if (hashKey == null
                        || ExceptionUtils.findThrowableWithMessage(e, EpisodeRunCheck.COLLISION)
                                .isEmpty()) {
                    throw e;
                }
                LOG.warn(
                        "Two episodes tie on the 64-bit backfill key; running again with the"
                                + " exact key (slower to sort)");
                try {
                    attempt.run(null);
                } catch (Exception again) {
                    swap.abort();
                    throw again;
                }
            }
        }
        swap.publish();
        long written = rowCount(DatasetFiles.list(new Path(swap.stagingDir()), p -> true));
        return new Result(
                swap.target(),
                rowsTotal,
                written,
                partitions.size(),
                files.size(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** One run of the job keyed by {@code hashKey} (null: the exact key). */
    @FunctionalInterface
    private interface Attempt {
        void run(EpisodeHashKey hashKey) throws Exception;
    }

    private static void execute(
            StreamExecutionEnvironment env,
            ReplayStoreConfig config,
            BackfillRange range,
            PolicyAnnouncement scoreWith,
            List<DataFile> files,
            DatasetSwap swap,
            EpisodeHashKey hashKey,
            long started,
            long rowsTotal,
            int partitionsTotal,
            Consumer<Progress> progress,
            Duration interval)
            throws Exception {
        build(env, config, range, scoreWith, files, swap, hashKey);
        JobClient job = env.executeAsync("replayflow-backfill-" + config.datasetName());
        await(job, rowsTotal, partitionsTotal, started, progress, interval);
    }

    /** Adds the bounded source and the replay operators to {@code env} in BATCH mode. */
    static void build(
            StreamExecutionEnvironment env,
            ReplayStoreConfig config,
            BackfillRange range,
            PolicyAnnouncement scoreWith,
            List<DataFile> files,
            DatasetSwap swap,
            EpisodeHashKey hashKey) {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        // Every operator here emits rows it does not touch again (the reader's records are fresh,
        // the enrichment's come out of its state once), so the chain needs no defensive copies.
        env.getConfig().enableObjectReuse();
        FileSource<ReplayRow> source =
                FileSource.forRecordStreamFormat(
                                new LogRowFormat(),
                                files.stream().map(DataFile::path).toArray(Path[]::new))
                        .build();
        // BATCH mode hands each key's rows to the enrichment sorted by their timestamp, and an
        // episode's steps must come in step order, its last step last. Event times cannot give
        // that order: an actor takes several steps in one millisecond (collect does), and equal
        // timestamps come out of the sort in any order, so a terminating step could close its
        // episode before the step ahead of it came (found on a collected log: 54 of 165 episodes
        // split into runs). So the timestamp here is the step. Nothing in the backfill's graph
        // reads it as time (no windows, no event-time timers; a row's partition comes from its
        // event_time_ms column), and within one key, one episode, the step is the order.
        DataStream<ReplayRow> rows =
                env.fromSource(
                                source,
                                WatermarkStrategy.<ReplayRow>noWatermarks()
                                        .withTimestampAssigner((r, previous) -> r.step),
                                "experience log")
                        .uid("source-experience-log")
                        .flatMap(new LogRows(range), ReplayRowTypeInfo.INSTANCE)
                        .uid("log-rows")
                        .name("log rows in range");
        // A backfill applies no trainer updates (null): no priority router or store.
        ReplayStorePipeline.buildBatch(rows, null, scoreWith, config, swap.stagingDir(), hashKey);
    }

    /**
     * Cluster options that speed a backfill on a local MiniCluster: its blocking exchanges are
     * written uncompressed (LZ4 on the one keyed exchange cost more CPU than the local disk saved),
     * and unless set, the TaskManager gets {@link #LOCAL_MANAGED_MEMORY} of managed memory for the
     * keyed sort (a local cluster's default, 128 MiB, made a backfill of a million CartPole rows
     * spill its sort to disk and merge it back). Set them on the configuration the local
     * environment is created with; a remote cluster keeps its own.
     */
    public static Configuration localClusterOptions(Configuration conf) {
        conf.set(
                NettyShuffleEnvironmentOptions.SHUFFLE_COMPRESSION_CODEC,
                NettyShuffleEnvironmentOptions.CompressionCodec.NONE);
        if (!conf.contains(TaskManagerOptions.MANAGED_MEMORY_SIZE)) {
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, LOCAL_MANAGED_MEMORY);
        }
        return conf;
    }

    /**
     * A local backfill's managed memory (off-heap, for the keyed sort): a 1M-row CartPole backfill
     * at parallelism 2 sorted without spilling (profile, December 2026).
     */
    public static final MemorySize LOCAL_MANAGED_MEMORY = MemorySize.ofMebiBytes(1024);

    private static void await(
            JobClient job,
            long rowsTotal,
            long partitionsTotal,
            long started,
            Consumer<Progress> progress,
            Duration interval)
            throws Exception {
        CompletableFuture<?> done = job.getJobExecutionResult();
        while (true) {
            try {
                done.get(interval.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException stillRunning) {
                Map<String, Object> acc = job.getAccumulators().get();
                progress.accept(
                        new Progress(
                                counter(acc, LogRows.ROWS_READ),
                                rowsTotal,
                                Math.min(partitionsTotal, counter(acc, LogRows.PARTITIONS_READ)),
                                partitionsTotal,
                                Duration.ofNanos(System.nanoTime() - started)));
            }
        }
    }

    private static long counter(Map<String, Object> accumulators, String name) {
        return accumulators.get(name) instanceof Number n ? n.longValue() : 0L;
    }

    /** Rows in {@code files}, from their footers. */
    static long rowCount(List<DataFile> files) throws IOException {
        long rows = 0;
        for (DataFile f : files) {
            try (ParquetFileReader reader = ParquetConf.open(FlinkInputFile.of(f.path()))) {
                rows += reader.getRecordCount();
            }
        }
        return rows;
    }
}
