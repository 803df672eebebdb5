package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.log.layout.DatasetLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image observations through the whole replay loop, with real parts and a small step budget:
 * MinAtar Breakout actors (uint8 frames [10, 10, 4]) publish to an embedded Kafka broker, ingest
 * validates and logs them, the replay-store job on a Flink MiniCluster writes image rows with their
 * n-step bootstrap images, the continuous trainer samples them (TensorFlow Java, MinAtar's conv
 * network, uint8 in) and publishes versions, the actors swap to a conv SavedModel acting on images,
 * and a greedy evaluation runs it; the log and the replay rows store each frame once. Checks the
 * mechanics, not the learning goal (docs/BENCHMARKS.md).
 */
@Timeout(420)
class MinAtarDemoITCase {

    private static final String BREAKOUT = "MinAtar/Breakout-v1";

    @TempDir Path data;

    @Test
    void imageActorsFeedReplayRowsThatTheTrainerLearnsFromAndTheActorsActWith() throws Exception {
        DemoSettings settings =
                DemoSettings.minAtar(data, Duration.ofSeconds(240), BREAKOUT)
                        .withMaxEnvSteps(15_000)
                        // 15k frames over ~150 s: the actors still run when v1 is published
                        .withActorStepsPerSecond(100)
                        .withLearning(1_000, 200)
                        .withEvalEpisodes(5);
        StringWriter progress = new StringWriter();

        DemoRun.Result result = new DemoRun(settings).run(new PrintWriter(progress), false);

        assertThat(result.outcome())
                .as("progress:%n%s", progress)
                .isIn(
                        DemoRun.Outcome.SOLVED,
                        DemoRun.Outcome.BUDGET_EXHAUSTED,
                        DemoRun.Outcome.STEP_BUDGET_REACHED);
        List<DemoRun.Sample> samples = result.samples();
        DemoRun.Sample last = samples.get(samples.size() - 1);
        assertThat(last.trainerStep())
                .as("gradient steps on image rows; progress:%n%s", progress)
                .isGreaterThan(0);
        assertThat(result.policyVersions()).as("versions published").isGreaterThanOrEqualTo(1);
        assertThat(samples)
                .as("the actors swapped to a trained conv policy")
                .anyMatch(s -> s.actingVersion() >= 1);
        long lead = 1_000 + settings.actorLead(); // minSize + lead, one frame per update
        assertThat(samples)
                .as("the actors waited for the trainer (one frame per update past %d)", lead)
                .allSatisfy(
                        s ->
                                assertThat(s.envSteps())
                                        .isLessThanOrEqualTo(lead + s.trainerStep() + 16));
        assertThat(result.evaluations())
                .as("a greedy evaluation of a trained version ran on images")
                .anyMatch(e -> e.version() >= 1 && e.result().episodes() == 5);

        String rows =
                data.toAbsolutePath().resolve(DatasetLayout.REPLAY_DIR).toString()
                        + "/*/env_id=*/*/*/part-*.parquet"; // not _priorities/
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement q = duck.createStatement();
                ResultSet r =
                        q.executeQuery(
                                // replay/v3: image rows store each frame once (frames blob of
                                // new frames, references per observation), no whole images
                                "SELECT count(*), sum(octet_length(frames)),"
                                        + " count(*) FILTER (WHERE obs_image IS NOT NULL OR"
                                        + " next_obs_image IS NOT NULL),"
                                        + " max(len(obs)), count(*) FILTER (WHERE"
                                        + " bootstrap_obs_frames IS NULL OR next_obs_frames IS"
                                        + " NULL) FROM read_parquet('"
                                        + rows
                                        + "')")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).as("image rows in the replay dataset").isPositive();
            // Frames once v2 stores a new frame as its sparse difference from one the reader
            // already has (FrameDelta), a few bytes for MinAtar: less than one whole [10, 10, 4]
            // frame (400 bytes) per row, where whole images take two.
            assertThat(r.getLong(2))
                    .as("each frame once, as deltas: less than one whole frame per row")
                    .isPositive()
                    .isLessThan(r.getLong(1) * 400);
            assertThat(r.getLong(3)).as("no whole images beside the frames").isZero();
            assertThat(r.getInt(4)).as("no float obs beside the image").isZero();
            assertThat(r.getLong(5)).as("every row has its next and bootstrap image").isZero();
        }
        String log =
                data.toAbsolutePath().resolve("experience").toString() + "/*/*/*/[!.]*.parquet";
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement q = duck.createStatement();
                ResultSet r =
                        q.executeQuery(
                                // The experience log stores each frame once too.
                                "SELECT count(*), sum(octet_length(frames)),"
                                        + " count(*) FILTER (WHERE obs_image IS NOT NULL OR"
                                        + " next_obs_image IS NOT NULL), count(*) FILTER (WHERE"
                                        + " next_obs_frames IS NULL) FROM read_parquet('"
                                        + log
                                        + "')")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).as("image rows in the log").isPositive();
            assertThat(r.getLong(2))
                    .as("each frame once in the log, as deltas: less than one whole frame a row")
                    .isPositive()
                    .isLessThan(r.getLong(1) * 400);
            assertThat(r.getLong(3)).as("no whole images in the log").isZero();
            assertThat(r.getLong(4)).as("every log row references its frames").isZero();
        }
    }
}
