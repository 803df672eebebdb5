package io.replayflow.replay.priority;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.data.testing.PriorityUpdates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PriorityFileTest {

    @TempDir Path dir;

    private static PriorityEntry entry(long step, double priority, long trainerStep) {
        PriorityEntry e = PriorityEntry.of(PriorityUpdates.update(priority, trainerStep));
        e.step = step;
        return e;
    }

    @Test
    void newestFileReplacesOlderOnesAndReadsBackExactly() throws Exception {
        org.apache.flink.core.fs.Path target = new org.apache.flink.core.fs.Path(dir.toUri());
        PriorityFile.write(target, List.of(entry(0, 1.0, 1)), 1_000, 0);
        PriorityFile.write(target, List.of(entry(0, 2.0, 2), entry(1, 3.5, 2)), 2_000, 1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly("priorities-0000000002000-1.parquet");
        }
        List<PriorityEntry> back = PriorityFile.read(PriorityFile.latest(target).orElseThrow());
        assertThat(back).hasSize(2);
        assertThat(back.get(1).step).isEqualTo(1);
        assertThat(back.get(1).priority).isEqualTo(3.5);
        assertThat(back.get(1).trainerStep).isEqualTo(2);
        assertThat(back.get(1).actorId).isEqualTo("a");

        // plain Parquet: an independent reader sees the same rows
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        db.createStatement()
                                .executeQuery(
                                        "SELECT count(*), sum(priority) FROM read_parquet('"
                                                + dir.resolve("*.parquet")
                                                + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(rs.getDouble(2)).isEqualTo(5.5);
        }
    }

    @Test
    void aMissingDirectoryHasNoFile() throws Exception {
        assertThat(
                        PriorityFile.latest(
                                new org.apache.flink.core.fs.Path(dir.resolve("none").toUri())))
                .isEmpty();
    }
}
