package io.replayflow.replay.row;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.data.testing.ExperienceFiles;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.episode.EpisodeEnrichment;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Replay files are plain Parquet: an independent reader (DuckDB) sees the same values. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplayRowParquetTest {

    @TempDir Path dir;

    @Test
    void duckDbReadsVectorsAsFloatListsAndUnknownReturnsAsNull() throws Exception {
        List<ReplayRow> rows = new ArrayList<>();
        Transitions.episode("CartPole-v1", "a", "e", 3, 0, 10, false, false, 4, 4)
                .forEach(t -> rows.add(ReplayRow.fromTransition(t)));
        EpisodeEnrichment.enrich(rows, 2, 0.5); // open episode: return_to_go unknown
        rows.forEach(r -> r.priority = 1.5);
        Path file = dir.resolve("part-0.parquet");
        ExperienceFiles.writeReplayRows(file, rows);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        db.createStatement()
                                .executeQuery(
                                        "SELECT step, obs, bootstrap_obs, n_step_return,"
                                                + " bootstrap_discount, return_to_go, priority,"
                                                + " policy_version FROM read_parquet('"
                                                + file
                                                + "') ORDER BY step")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong("step")).isZero();
            Array obs = rs.getArray("obs");
            assertThat((Object[]) obs.getArray()).containsExactly(0f, 1f, 2f, 3f);
            // n = 2: bootstrap from next_obs of step 1 = 20, 21, ...
            assertThat(((Object[]) rs.getArray("bootstrap_obs").getArray())[0]).isEqualTo(20f);
            assertThat(rs.getFloat("n_step_return")).isEqualTo(1 + 0.5f * 2);
            assertThat(rs.getFloat("bootstrap_discount")).isEqualTo(0.25f);
            rs.getFloat("return_to_go");
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getDouble("priority")).isEqualTo(1.5);
            assertThat(rs.getLong("policy_version")).isEqualTo(4);
        }
    }

    @Test
    void imageRowsStoreEachFrameOnceAsBlobsAndVectorRowsHaveNoImage() throws Exception {
        List<ReplayRow> rows = new ArrayList<>();
        Transitions.imageEpisode("MinAtar/Breakout-v1", "a", "e", 4, 0, true, List.of(10, 10, 4))
                .forEach(t -> rows.add(ReplayRow.fromTransition(t)));
        EpisodeEnrichment.enrich(rows, 2, 0.5);
        Path file = dir.resolve("part-0.parquet");
        ExperienceFiles.writeReplayRows(file, rows);
        // replay/v3: the image groups are null; the episode's five distinct frames (obs of step 0,
        // then each step's next_obs) are stored once, as differences from a frame the reader
        // already has (once/v2), in the frames column. The references and the byte-for-byte
        // rebuild are FramesOnceLoadTest's and FrameCodecTest's.
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        db.createStatement()
                                .executeQuery(
                                        "SELECT step, len(obs) AS n, obs_image IS NULL AS no_o,"
                                                + " next_obs_image IS NULL AND bootstrap_obs_image"
                                                + " IS NULL AS no_x, frames AS f, len(obs_frames)"
                                                + " AS refs, len(next_obs_frames) AS next_refs"
                                                + " FROM read_parquet('"
                                                + file
                                                + "') ORDER BY step")) {
            java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
            for (int step = 0; step < 4; step++) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("step")).isEqualTo(step);
                assertThat(rs.getInt("n")).isZero();
                assertThat(rs.getBoolean("no_o")).isTrue();
                assertThat(rs.getBoolean("no_x")).isTrue();
                byte[] f = rs.getBytes("f");
                if (f != null) {
                    frames.writeBytes(f);
                }
                // obs of step t > 0 is the previous row's next_obs: no references; the file's
                // first row has its one reference after a marker
                assertThat(rs.getInt("refs")).isEqualTo(step == 0 ? 2 : 0);
                // next_obs: one code, or none where an earlier row's bootstrap predicts it
                assertThat(rs.getInt("next_refs")).isBetween(step == 0 ? 1 : 0, 1);
            }
            assertThat(rs.next()).isFalse();
            assertThat(frames.size()).isPositive().isLessThanOrEqualTo(5 * (400 + 1));
        }
        Path vectors = dir.resolve("part-1.parquet");
        List<ReplayRow> vectorRows = new ArrayList<>();
        Transitions.episode("CartPole-v1", "a", "e", 2, 0, 10, true, false, 0, 4)
                .forEach(t -> vectorRows.add(ReplayRow.fromTransition(t)));
        EpisodeEnrichment.enrich(vectorRows, 2, 0.5);
        ExperienceFiles.writeReplayRows(vectors, vectorRows);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        db.createStatement()
                                .executeQuery(
                                        "SELECT count(*) FROM read_parquet('"
                                                + vectors
                                                + "') WHERE obs_image IS NULL AND"
                                                + " bootstrap_obs_image IS NULL")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }
}
