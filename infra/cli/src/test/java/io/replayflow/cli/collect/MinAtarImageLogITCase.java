package io.replayflow.cli.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.policy.Behaviour;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image observations from actors to the committed log, with real parts: MinAtar Breakout actors
 * (uint8 frames [10, 10, 4], batched random policy) publish to a real Kafka broker, the ingest job
 * on a Flink MiniCluster validates each frame against the env table and commits the Parquet log,
 * storing each frame once; DuckDB, an independent reader, finds the frames there as 400-byte blocks
 * of 0/1 beside the scalar columns, and the log's reader rebuilds every row's images. The rest of
 * the path (replay-store rows, the trainer, conv policies acting) is {@code
 * io.replayflow.cli.loop.MinAtarDemoITCase}.
 */
@Timeout(300)
class MinAtarImageLogITCase {

    private static final String BREAKOUT = "MinAtar/Breakout-v1";

    @TempDir Path data;

    @Test
    void imageActorsFeedAValidatedLogThatStoresEachFrameOnce() throws Exception {
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
                                // Frames stored once (once/v2): image groups null, each new
                                // frame a difference of a few bytes from one the reader has.
                                "SELECT count(*), count(*) FILTER (WHERE obs_image IS NOT NULL"
                                        + " OR next_obs_image IS NOT NULL),"
                                        + " sum(octet_length(frames)), count(*) FILTER (WHERE"
                                        + " next_obs_frames IS NULL), max(len(obs)),"
                                        + " bool_and(frames IS NULL OR octet_length(frames) < 400)"
                                        + " FROM read_parquet('"
                                        + files
                                        + "')")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).isEqualTo(3_200);
            assertThat(r.getLong(2)).as("no whole images beside the frames").isZero();
            assertThat(r.getLong(3))
                    .as("each frame once, as a few bytes: far below a whole frame per step")
                    .isPositive()
                    .isLessThan(3_200L * 50);
            assertThat(r.getLong(4)).as("every row references its frames").isZero();
            assertThat(r.getInt(5)).as("no float obs beside the image").isZero();
            assertThat(r.getBoolean(6))
                    .as("no row stores a whole 400-byte frame: MinAtar's 0/1 frames as sparse bits")
                    .isTrue();
        }
        long rebuilt = 0;
        try (Stream<Path> walk = Files.walk(data.resolve("experience"))) {
            for (Path file :
                    walk.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .toList()) {
                try (TransitionReader reader =
                        TransitionParquet.reader(
                                FlinkInputFile.of(
                                        new org.apache.flink.core.fs.Path(file.toUri())))) {
                    for (Transition t = reader.read(); t != null; t = reader.read()) {
                        for (UInt8Tensor image : List.of(t.getObsImage(), t.getNextObsImage())) {
                            assertThat(image.getShape()).isEqualTo(List.of(10, 10, 4));
                            assertThat(image.getData().remaining()).isEqualTo(400);
                            for (int i = 0; i < 400; i++) {
                                assertThat(image.getData().get(i)).isBetween((byte) 0, (byte) 1);
                            }
                        }
                        rebuilt++;
                    }
                }
            }
        }
        assertThat(rebuilt).as("the log's reader rebuilds every row's images").isEqualTo(3_200);
    }
}
