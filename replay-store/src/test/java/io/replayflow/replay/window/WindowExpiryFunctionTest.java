package io.replayflow.replay.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.episode.EpisodePlacement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WindowExpiryFunctionTest {

    private static final long H = PartitionPath.HOUR_MS;

    @TempDir Path dataset;

    @Test
    void marksThenDeletesPartitionsAndTheirPriorityFilesOnceOutOfTheWindow() throws Exception {
        PartitionPath old = new PartitionPath("CartPole-v1", 0);
        PartitionPath kept = new PartitionPath("CartPole-v1", 8 * H);
        PartitionPath orphan = new PartitionPath("Acrobot-v1", H); // on disk, never counted
        for (PartitionPath p : new PartitionPath[] {old, kept, orphan}) {
            Files.createDirectories(dataset.resolve(p.relativePath()));
            Files.writeString(dataset.resolve(p.relativePath()).resolve("part-0.parquet"), "x");
        }
        Files.createDirectories(dataset.resolve("_priorities").resolve(old.relativePath()));
        WindowExpiryFunction fn =
                new WindowExpiryFunction(
                        dataset.toUri().toString(),
                        WindowRule.of(6 * H, OptionalLong.empty(), H),
                        1_000,
                        5_000);
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(fn),
                        (EpisodePlacement p) -> WindowExpiryFunction.KEY,
                        Types.INT)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(placement(old, 10)));
            h.processElement(new StreamRecord<>(placement(kept, 20)));
            h.processWatermark(8 * H + 1);
            h.setProcessingTime(1_000); // check: old and orphan leave, deletion in 5 s
            assertThat(dataset.resolve(old.relativePath())).exists();
            h.setProcessingTime(7_000);
            assertThat(dataset.resolve(old.relativePath())).doesNotExist();
            assertThat(dataset.resolve(orphan.relativePath())).doesNotExist();
            assertThat(dataset.resolve("_priorities").resolve(old.relativePath())).doesNotExist();
            assertThat(dataset.resolve(kept.relativePath())).exists();
            assertThat(h.extractOutputValues())
                    .containsExactlyInAnyOrder(old.relativePath(), orphan.relativePath());
        }
    }

    private static EpisodePlacement placement(PartitionPath partition, long rows) {
        EpisodePlacement p = new EpisodePlacement();
        p.envId = partition.envId();
        p.partition = partition.relativePath();
        p.hourStartMs = partition.hourStartMs();
        p.rows = rows;
        return p;
    }
}
