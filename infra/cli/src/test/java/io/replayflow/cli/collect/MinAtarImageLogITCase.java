package io.replayflow.cli.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.policy.Behaviour;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image observations from actors to the committed log, with real parts: MinAtar Breakout actors
 * (uint8 frames [10, 10, 4], batched random policy) publish to a real Kafka broker, the ingest job
 * on a Flink MiniCluster validates each frame against the env table and commits the Parquet log;
 * DuckDB, an independent reader, finds every frame there as 400 bytes of 0/1 with its shape. The
 * rest of the path (replay-store rows, the trainer, conv policies acting) is {@code
 * io.replayflow.cli.loop.MinAtarDemoITCase}.
 */
@Timeout(300)
class MinAtarImageLogITCase {

    private static final String BREAKOUT = "MinAtar/Breakout-v1";

    @TempDir Path data;

    @Test
    void imageActorsFeedAValidatedLogOfWholeFrames() throws Exception {
        CollectRequest request =
                new CollectRequest(
                        data,
                        BREAKOUT,
                        Behaviour.RANDOM,
                        1.0,
                        3_200,
                        16,
                        7,
                        1,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(120));
        StringWriter progress = new StringWriter();

        CollectResult collected =
                new Collector(EnvRegistry.withBuiltIns())
                        .collect(request, new PrintWriter(progress), false);

        assertThat(collected.published()).as("progress:%n%s", progress).isEqualTo(3_200);
        assertThat(collected.log().transitions())
                .as("every frame passed ingest's shape check and was committed")
                .isEqualTo(3_200);
        assertThat(collected.behaviourEvaluation().envId()).isEqualTo(BREAKOUT);

        String files = data.toAbsolutePath().resolve("experience").toString() + "/**/*.parquet";
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement q = duck.createStatement();
                ResultSet r =
                        q.executeQuery(
                                "SELECT count(*), min(octet_length(obs_image.data)),"
                                    + " max(octet_length(obs_image.data)),"
                                    + " min(octet_length(next_obs_image.data)), count(DISTINCT"
                                    + " obs_image.shape), max(len(obs)),"
                                    + " bool_and(regexp_matches(hex(obs_image.data), '^(0[01])+$'))"
                                    + " FROM read_parquet('"
                                        + files
                                        + "')")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).isEqualTo(3_200);
            assertThat(r.getInt(2)).as("bytes = product of [10, 10, 4]").isEqualTo(400);
            assertThat(r.getInt(3)).isEqualTo(400);
            assertThat(r.getInt(4)).isEqualTo(400);
            assertThat(r.getLong(5)).as("one shape").isEqualTo(1);
            assertThat(r.getInt(6)).as("no float obs beside the image").isZero();
            assertThat(r.getBoolean(7)).as("MinAtar frames hold 0/1").isTrue();
        }
    }
}
