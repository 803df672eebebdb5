package io.replayflow.cluster.drill;

import io.replayflow.log.layout.DatasetLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An independent reader of the experience log: DuckDB over the committed (visible) Parquet files of
 * {@code <root>/experience/}, as a user would query them; no ReplayFlow code is involved.
 */
public final class ExperienceLogReader {

    private final Path experience;

    public ExperienceLogReader(Path dataRoot) {
        this.experience = dataRoot.resolve(DatasetLayout.EXPERIENCE_DIR);
    }

    /** Occurrences of each identity {@code actor/episode/step} in the visible files. */
    Map<String, Integer> identityCounts() throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        if (!hasVisibleFiles()) {
            return counts;
        }
        String sql =
                "SELECT actor_id, episode_id, step, count(*) FROM " + table() + " GROUP BY 1, 2, 3";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                counts.put(
                        DrillTransitions.identity(r.getString(1), r.getString(2), r.getLong(3)),
                        r.getInt(4));
            }
        }
        return counts;
    }

    /**
     * Rows per behaviour policy version: {@code [all rows, rows with event time after afterMs]}, by
     * version.
     */
    Map<Long, long[]> rowsByPolicyVersion(long afterMs) throws SQLException {
        Map<Long, long[]> rows = new java.util.TreeMap<>();
        if (!hasVisibleFiles()) {
            return rows;
        }
        String sql =
                "SELECT policy_version, count(*), count(*) FILTER (WHERE event_time_ms > "
                        + afterMs
                        + ") FROM "
                        + table()
                        + " GROUP BY 1";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.put(r.getLong(1), new long[] {r.getLong(2), r.getLong(3)});
            }
        }
        return rows;
    }

    /** What a query gives back, one call per result row. */
    @FunctionalInterface
    public interface RowHandler {
        void row(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code sql}, in which {@code {log}} stands for every visible Parquet file of the log
     * (columns of the Transition schema and the Hive partitions), and hands each result row to
     * {@code handler}; nothing when no file is visible yet. E.g. {@code SELECT policy_version,
     * count(*) FROM {log} GROUP BY 1}.
     */
    public void query(String sql, RowHandler handler) throws SQLException {
        if (!hasVisibleFiles()) {
            return;
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql.replace("{log}", table()))) {
            while (r.next()) {
                handler.row(r);
            }
        }
    }

    /** Every visible Parquet file of the log, Hive partitions as columns. */
    private String table() {
        return "read_parquet('"
                + experience
                + "/**/[!._]*.parquet', hive_partitioning = true, union_by_name = true)";
    }

    private boolean hasVisibleFiles() throws SQLException {
        if (!Files.isDirectory(experience)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(experience)) {
            return files.map(p -> p.getFileName().toString())
                    .anyMatch(
                            n ->
                                    n.endsWith(".parquet")
                                            && !n.startsWith(".")
                                            && !n.startsWith("_"));
        } catch (IOException | UncheckedIOException e) {
            // a file committed or compacted away while listing: look again on the next poll
            return false;
        }
    }
}
