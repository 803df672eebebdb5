package io.replayflow.replay.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.job.ReplayStoreJob;
import io.replayflow.replay.read.RefreshResult;
import io.replayflow.replay.read.ReplayBatch;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.replay.testing.JobMetrics;
import io.replayflow.replay.testing.TopicWriter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.testing.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window expiry end to end, on a real broker and MiniCluster: rows 10 hours old are written, a
 * reader loads them, newer rows move the watermark on, the job deletes the old partition (and its
 * priority files), and the reader's refresh drops exactly those rows.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WindowExpiryITCase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ENV = "CartPole-v1";

    private static LocalStack stack;

    @TempDir static Path dataRoot;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().partitions(2).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void partitionsOlderThanTheWindowLeaveTheDatasetAndTheReaderDropsThem() throws Exception {
        ReplayStoreConfig config =
                ReplayStoreConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .dataRoot(dataRoot.toUri())
                        .datasetName("window")
                        .windowDuration(Duration.ofHours(2))
                        .allowedLateness(Duration.ofHours(1))
                        .expiryCheckInterval(Duration.ofMillis(500))
                        .expiryDeleteDelay(Duration.ofSeconds(1))
                        .checkpointInterval(Duration.ofMillis(500))
                        .priorityFlushInterval(Duration.ofMillis(300))
                        .outOfOrderness(Duration.ZERO)
                        .sourceIdleness(Duration.ofSeconds(1))
                        .build();
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        URI dataset = config.datasetUri();
        long now = System.currentTimeMillis();
        long oldStart = now - Duration.ofHours(10).toMillis();
        PartitionPath oldPartition = PartitionPath.of(ENV, oldStart);
        List<Transition> old = new ArrayList<>();
        List<Transition> recent = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            old.addAll(
                    Transitions.episode(
                            ENV, "a", "old-" + e, 6, oldStart + e * 100, 1, true, false, 0, 4));
            recent.addAll(
                    Transitions.episode(
                            ENV, "a", "new-" + e, 5, now - 60_000 + e * 100, 1, true, false, 1, 4));
        }

        JobClient job = ReplayStoreJob.start(stack.executionEnvironment(conf), config);
        try (TopicWriter kafka = new TopicWriter(stack.bootstrapServers());
                ReplayDataset reader = ReplayDataset.open(dataset, ReplayReadOptions.defaults())) {
            kafka.transitions(stack.topics().cleanTransitions(), old);
            Await.until(
                    "the old rows committed",
                    WAIT,
                    () -> reader.refresh().liveRows() == old.size());
            kafka.updates(
                    stack.topics().priorities(),
                    List.of(reader.priorityUpdate(reader.findRow("a", "old-0", 2), 5.0, 5f, 0, 1)));
            Path oldDir = Path.of(dataset).resolve(oldPartition.relativePath());
            Path oldPriorities =
                    Path.of(dataset).resolve("_priorities").resolve(oldPartition.relativePath());
            Await.until(
                    "the old partition's priority file", WAIT, () -> Files.exists(oldPriorities));
            assertThat(oldDir).exists();

            kafka.transitions(stack.topics().cleanTransitions(), recent);
            Await.until(
                    "the old partition deleted once the watermark passed it by the window",
                    WAIT,
                    () -> !Files.exists(oldDir) && !Files.exists(oldPriorities));

            RefreshResult dropped = reader.refresh();
            assertThat(dropped.filesRemoved()).isPositive();
            assertThat(dropped.rowsRemoved()).isEqualTo(old.size());
            Await.until(
                    "only the recent rows left",
                    WAIT,
                    () -> reader.refresh().liveRows() == recent.size());
            ReplayBatch batch = reader.newBatch(128);
            for (int i = 0; i < 10; i++) {
                reader.sample(batch);
                for (long t : batch.eventTimeMs()) {
                    assertThat(t).isGreaterThan(now - Duration.ofHours(2).toMillis());
                }
            }
            String jobId = job.getJobID().toString();
            Await.until(
                    "the expiry counted",
                    WAIT,
                    () ->
                            JobMetrics.sum(
                                            stack.flinkRestAddress(),
                                            jobId,
                                            "replay.partitions_expired")
                                    >= 1);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
