package io.replayflow.cli.loop;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestJob;
import io.replayflow.ingest.IngestOptions;
import io.replayflow.replay.job.DatasetKind;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.job.ReplayStoreJob;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded data path: a {@link LocalStack} (real Kafka broker + Flink MiniCluster) running the
 * ingest job (raw transitions to the Parquet experience log, dead letters, episode statistics, the
 * clean stream) and the replay-store job (clean stream to the windowed, prioritized replay
 * dataset). {@code replayflow stack} and {@code replayflow demo} both stand on it.
 *
 * <p>Each job runs at parallelism 1 on its own slot: on one 2-core machine the actors and the
 * trainer need the rest of the CPU.
 */
public final class EmbeddedPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPipeline.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What to start.
     *
     * @param datasetKind what the replay-store job writes: transitions (value-based trainers) or
     *     trajectory segments (the policy-gradient family)
     * @param ingestSettings {@code ingest.*} keys set on the ingest job over the others, e.g. a
     *     short {@code ingest.stats.window} for the demo's lifecycle controller
     */
    public record Settings(
            Path dataDir,
            int kafkaPort,
            int partitions,
            String topicPrefix,
            boolean keepKafkaData,
            boolean runJobs,
            Duration checkpointInterval,
            Duration compactionMaxDelay,
            String datasetName,
            DatasetKind datasetKind,
            Map<String, String> ingestSettings) {

        /** A pipeline whose ingest job runs with its defaults besides the given settings. */
        public Settings(
                Path dataDir,
                int kafkaPort,
                int partitions,
                String topicPrefix,
                boolean keepKafkaData,
                boolean runJobs,
                Duration checkpointInterval,
                Duration compactionMaxDelay,
                String datasetName,
                DatasetKind datasetKind) {
            this(
                    dataDir,
                    kafkaPort,
                    partitions,
                    topicPrefix,
                    keepKafkaData,
                    runJobs,
                    checkpointInterval,
                    compactionMaxDelay,
                    datasetName,
                    datasetKind,
                    Map.of());
        }

        /** A pipeline whose replay-store job writes transitions. */
        public Settings(
                Path dataDir,
                int kafkaPort,
                int partitions,
                String topicPrefix,
                boolean keepKafkaData,
                boolean runJobs,
                Duration checkpointInterval,
                Duration compactionMaxDelay,
                String datasetName) {
            this(
                    dataDir,
                    kafkaPort,
                    partitions,
                    topicPrefix,
                    keepKafkaData,
                    runJobs,
                    checkpointInterval,
                    compactionMaxDelay,
                    datasetName,
                    DatasetKind.TRANSITIONS);
        }

        public Settings {
            Objects.requireNonNull(datasetKind, "datasetKind");
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            Objects.requireNonNull(checkpointInterval, "checkpointInterval");
            Objects.requireNonNull(compactionMaxDelay, "compactionMaxDelay");
            Objects.requireNonNull(datasetName, "datasetName");
            ingestSettings = Map.copyOf(ingestSettings);
        }
    }

    private final LocalStack stack;
    private final JobClient ingest;
    private final JobClient replay;
    private final Settings settings;

    private EmbeddedPipeline(
            LocalStack stack, JobClient ingest, JobClient replay, Settings settings) {
        this.stack = stack;
        this.ingest = ingest;
        this.replay = replay;
        this.settings = settings;
    }

    /** Starts the stack and, if asked, both jobs; on failure stops whatever had started. */
    public static EmbeddedPipeline start(Settings settings) throws Exception {
        LocalStack stack =
                LocalStack.builder()
                        .dataDir(settings.dataDir().toAbsolutePath())
                        .keepData(settings.keepKafkaData())
                        .kafkaPort(settings.kafkaPort())
                        .partitions(settings.partitions())
                        .topicPrefix(settings.topicPrefix())
                        .slotsPerTaskManager(4)
                        .flinkConfiguration(FlinkPrometheus.reporterConfiguration())
                        .start();
        try {
            if (!settings.runJobs()) {
                return new EmbeddedPipeline(stack, null, null, settings);
            }
            URI root = settings.dataDir().toAbsolutePath().toUri();
            JobClient ingest =
                    IngestJob.start(
                            stack.executionEnvironment(jobConfiguration()),
                            IngestConfig.builder()
                                    .bootstrapServers(stack.bootstrapServers())
                                    .topicPrefix(settings.topicPrefix())
                                    .dataRoot(root.toString())
                                    .set(IngestOptions.PARALLELISM, 1)
                                    .set(
                                            IngestOptions.CHECKPOINT_INTERVAL,
                                            settings.checkpointInterval())
                                    .set(
                                            IngestOptions.COMPACTION_MAX_DELAY,
                                            settings.compactionMaxDelay())
                                    .setAll(settings.ingestSettings())
                                    .build());
            JobClient replay =
                    ReplayStoreJob.start(
                            stack.executionEnvironment(jobConfiguration()),
                            ReplayStoreConfig.builder()
                                    .bootstrapServers(stack.bootstrapServers())
                                    .topicPrefix(settings.topicPrefix())
                                    .dataRoot(root)
                                    .datasetName(settings.datasetName())
                                    .datasetKind(settings.datasetKind())
                                    .checkpointInterval(settings.checkpointInterval())
                                    .build());
            LOG.info(
                    "ingest job {} and replay-store job {} running",
                    ingest.getJobID(),
                    replay.getJobID());
            return new EmbeddedPipeline(stack, ingest, replay, settings);
        } catch (Exception | Error e) {
            try {
                stack.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static Configuration jobConfiguration() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        return conf;
    }

    public LocalStack stack() {
        return stack;
    }

    /**
     * The Flink MiniCluster's Prometheus endpoint ({@code http://127.0.0.1:<port>/metrics}: job,
     * operator and ingest metrics), if its reporter is listening.
     */
    public Optional<URI> flinkPrometheus() {
        return FlinkPrometheus.endpoint(stack.config());
    }

    public URI dataRoot() {
        return settings.dataDir().toAbsolutePath().toUri();
    }

    public String datasetName() {
        return settings.datasetName();
    }

    /** Whether the ingest and replay-store jobs were started. */
    public boolean jobsRunning() {
        return ingest != null;
    }

    public JobClient ingestJob() {
        return ingest;
    }

    public JobClient replayJob() {
        return replay;
    }

    /**
     * Stops the jobs with a final savepoint after draining them (so every record they have read is
     * committed to Parquet and compacted files become visible), then the stack. A job that does not
     * stop in time is cancelled with the stack; its last checkpoint is retained.
     */
    @Override
    public void close() {
        for (JobClient job : new JobClient[] {ingest, replay}) {
            if (job == null) {
                continue;
            }
            try {
                String savepoint =
                        job.stopWithSavepoint(
                                        true,
                                        settings.dataDir()
                                                .toAbsolutePath()
                                                .resolve("savepoints")
                                                .toUri()
                                                .toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                LOG.info("job {} drained and stopped; savepoint {}", job.getJobID(), savepoint);
            } catch (Exception e) {
                LOG.warn(
                        "job {} did not stop with a savepoint within {} s ({}); cancelling it",
                        job.getJobID(),
                        STOP_TIMEOUT.toSeconds(),
                        e.toString());
            }
        }
        stack.close();
    }
}
