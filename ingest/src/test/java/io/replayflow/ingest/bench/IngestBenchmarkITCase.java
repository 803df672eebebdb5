package io.replayflow.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.infra.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench ingest} end to end on a small run of two rounds (real broker, MiniCluster, Parquet):
 * in each round both jobs commit every produced record once, each into its own directory (round 2
 * reads the same topic again with fresh consumer groups and transactional ids), and the textbook
 * job's files are Parquet that DuckDB reads with the Transition columns. The rates themselves are
 * the benchmark's business, not a test's.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IngestBenchmarkITCase {

    private static final long TRANSITIONS = 20_000;

    private static LocalStack stack;

    @TempDir Path work;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    static void startStack() {
        stack = LocalStack.builder().partitions(4).slotsPerTaskManager(2).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void oursAndTheTextbookJobEachCommitEveryRecordOnce() throws Exception {
        StringWriter printed = new StringWriter();
        BenchmarkResult result =
                IngestBenchmark.run(
                        stack::executionEnvironment,
                        stack.bootstrapServers(),
                        work,
                        Optional.empty(),
                        BenchmarkSettings.defaults().withTransitions(TRANSITIONS).withRounds(2),
                        new PrintWriter(printed, true));

        assertThat(result.round()).isEqualTo(2);
        assertThat(result.committedRows()).isEqualTo(TRANSITIONS);
        assertThat(result.textbook().committedRows()).isEqualTo(TRANSITIONS);
        assertThat(printed.toString())
                .contains("textbook job")
                .contains("ours:")
                .contains("round 1 of 2 (ours first on cold code)")
                .contains("round 2 of 2 (both on warm code)");
        Path bench;
        try (Stream<Path> runs = Files.list(work)) {
            bench =
                    runs.filter(p -> p.getFileName().toString().startsWith("bench-"))
                            .findFirst()
                            .orElseThrow();
        }
        for (Path round : new Path[] {bench, bench.resolve("round-2")}) {
            assertThat(rows(round.resolve("experience")))
                    .as("ours, " + round)
                    .isEqualTo(TRANSITIONS);
            assertThat(rows(round.resolve("textbook")))
                    .as("textbook, " + round)
                    .isEqualTo(TRANSITIONS);
        }
    }

    /**
     * DuckDB over the visible Parquet files under {@code dir}: the row count, after checking that
     * every (episode, step) is there once and the observations are CartPole-sized.
     */
    private static long rows(Path dir) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement q = db.createStatement();
                ResultSet rs =
                        q.executeQuery(
                                "SELECT count(*), count(DISTINCT (episode_id, step)),"
                                        + " min(len(obs)) FROM read_parquet('"
                                        + dir
                                        + "/**/[!.]*.parquet')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(2))
                    .as("distinct (episode, step) in " + dir)
                    .isEqualTo(rs.getLong(1));
            assertThat(rs.getInt(3)).isEqualTo(4); // CartPole-sized observations
            return rs.getLong(1);
        }
    }
}
