package io.replayflow.replay.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.read.ReplayBatch;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.ReplayReadOptions;
import io.replayflow.replay.read.TransitionId;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.testing.ImageTransitions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfill over an experience log whose image rows store each frame once (stacks of 4, written by
 * the log's writer in two files of one partition), on a real Flink MiniCluster in BATCH mode: every
 * row reaches the replay dataset, and the images the dataset's reader rebuilds are the logged ones,
 * byte for byte.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BackfillImageITCase {

    private static LocalStack stack;

    @TempDir static Path dataRoot;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().partitions(1).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void imageRowsWhoseFramesTheLogStoresOnceReachTheDatasetWhole() throws Exception {
        List<Transition> log = ImageTransitions.interleaved(4, 5, 1_200, 21);
        Path partition =
                Path.of(DatasetLayout.experienceLog(dataRoot.toUri()))
                        .resolve(
                                PartitionPath.of(
                                                ImageTransitions.envId(4),
                                                log.get(0).getEventTimeMs())
                                        .relativePath());
        Files.createDirectories(partition);
        write(partition.resolve("part-0.parquet"), log.subList(0, 700));
        write(partition.resolve("part-1.parquet"), log.subList(700, log.size()));
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        ReplayStoreConfig config =
                ReplayStoreConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .dataRoot(dataRoot.toUri())
                        .datasetName("images")
                        .nStep(3)
                        .build();

        Backfill.Result result =
                Backfill.run(
                        stack.executionEnvironment(conf),
                        config,
                        BackfillRange.all(),
                        p -> {},
                        Duration.ofMillis(200));

        assertThat(result.rowsRead()).isEqualTo(log.size());
        assertThat(result.rowsWritten()).isEqualTo(log.size());
        Map<String, Transition> byId = new HashMap<>();
        for (Transition t : log) {
            byId.put(t.getActorId() + "/" + t.getEpisodeId() + "/" + t.getStep(), t);
        }
        try (ReplayDataset dataset =
                ReplayDataset.open(config.datasetUri(), ReplayReadOptions.defaults())) {
            dataset.refresh();
            assertThat(dataset.liveRows()).isEqualTo(log.size());
            assertThat(dataset.images()).isTrue();
            ReplayBatch batch = dataset.newBatch(256);
            int d = dataset.obsDim();
            for (int round = 0; round < 8; round++) {
                dataset.sample(batch);
                for (int i = 0; i < batch.size(); i++) {
                    TransitionId id = dataset.transitionId(batch.rowIds()[i]);
                    Transition t = byId.get(id.actorId() + "/" + id.episodeId() + "/" + id.step());
                    assertThat(Arrays.copyOfRange(batch.obsBytes(), i * d, (i + 1) * d))
                            .as("obs of %s", id)
                            .isEqualTo(bytes(t.getObsImage().getData()));
                }
            }
        }
    }

    private static void write(Path file, List<Transition> rows) throws Exception {
        var out =
                FileSystem.getLocalFileSystem()
                        .create(
                                new org.apache.flink.core.fs.Path(file.toUri()),
                                FileSystem.WriteMode.OVERWRITE);
        try (ParquetWriter<Transition> writer =
                TransitionParquet.writer(new FlinkOutputFile(out), LogCompression.ZSTD, 64 << 10)) {
            for (Transition t : rows) {
                writer.write(t);
            }
        }
    }

    private static byte[] bytes(ByteBuffer data) {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }
}
