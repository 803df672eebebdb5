package io.replayflow.ingest.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent reader of the experience log: DuckDB over the committed (visible) Parquet files,
 * exactly as a user would query them.
 */
public final class ParquetLogReader {

    private final Path experience;

    public ParquetLogReader(Path dataRoot) {
        this.experience = dataRoot.resolve("experience");
    }

    /** The {@code read_parquet(...)} of every visible log file. */
    public String table() {
        return "read_parquet('"
                + experience
                + "/*/*/*/[!.]*.parquet', hive_partitioning = true, union_by_name = true)";
    }

    /**
     * Whether any visible Parquet file exists yet. The log is written and compacted while this
     * looks, so an entry that vanishes between its listing and its visit is skipped, never taken
     * for "no files" (which would read as every row disappearing).
     */
    public boolean hasFiles() {
        if (!Files.isDirectory(experience)) {
            return false;
        }
        boolean[] found = {false};
        try {
            Files.walkFileTree(
                    experience,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            String name = file.getFileName().toString();
                            if (name.endsWith(".parquet") && !name.startsWith(".")) {
                                found[0] = true;
                                return FileVisitResult.TERMINATE;
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + experience, e);
        }
        return found[0];
    }

    /** Every file under the log root, hidden ones included, relative to it. */
    public List<String> files() {
        if (!Files.isDirectory(experience)) {
            return List.of();
        }
        try (var files = Files.walk(experience)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> experience.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of("(" + e + ")");
        }
    }

    /** Rows of {@code sql}, where {@code LOG} stands for the log table; 0 if no file exists yet. */
    public List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        if (!hasFiles()) {
            return rows;
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql.replace("LOG", table()))) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(r.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** {@code count(*)} of the log; 0 before the first file. */
    public long count() throws SQLException {
        List<List<Object>> rows = query("SELECT count(*) FROM LOG");
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(0)).longValue();
    }

    /** Every row's identity as {@code actor/episode/step}. */
    public List<String> identities() throws SQLException {
        List<String> ids = new ArrayList<>();
        for (List<Object> row :
                query("SELECT actor_id, episode_id, step FROM LOG ORDER BY 1, 2, 3")) {
            ids.add(row.get(0) + "/" + row.get(1) + "/" + row.get(2));
        }
        return ids;
    }
}
