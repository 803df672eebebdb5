package io.replayflow.replay.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.row.ReplayRowParquet;
import io.replayflow.schemas.frames.FrameCodec;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB (the engine docs/ARCHITECTURE.md points dataset users to) reads the frame references of a
 * replay file whose bootstrap references are byte-stream-split exactly as those of a file that
 * keeps them in a dictionary, the layout before 2026-12-06 15:30.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FramesOnceDuckDbTest {

    @TempDir Path dir;

    @Test
    void duckDbReadsByteStreamSplitBootstrapReferences() throws Exception {
        List<ReplayRow> rows = rows(new SplittableRandom(3));
        Path split = write("split.parquet", rows, true);
        Path dictionary = write("dictionary.parquet", rows, false);
        List<String> fromSplit = bootstrapRefs(split);
        assertThat(fromSplit).hasSize(rows.size());
        // ranks, "is next_obs" and distances back (4 + d) all occur
        assertThat(fromSplit)
                .contains("[]", "[0]", "[1]")
                .anyMatch(r -> r.matches("\\[[1-9]\\d\\]"));
        assertThat(fromSplit).isEqualTo(bootstrapRefs(dictionary));
    }

    private static List<String> bootstrapRefs(Path file) throws Exception {
        List<String> refs = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        db.createStatement()
                                .executeQuery(
                                        "SELECT CAST(bootstrap_obs_frames AS VARCHAR) FROM"
                                                + " read_parquet('"
                                                + file
                                                + "')")) {
            while (rs.next()) {
                refs.add(rs.getString(1));
            }
        }
        return refs;
    }

    private Path write(String name, List<ReplayRow> rows, boolean split) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ParquetWriter<ReplayRow> writer =
                ReplayRowParquet.writer(
                        new StreamOutputFile(bytes),
                        CompressionCodecName.ZSTD,
                        false,
                        true,
                        ParquetWriter.DEFAULT_BLOCK_SIZE,
                        FrameCodec.LATEST,
                        split)) {
            for (ReplayRow row : rows) {
                writer.write(row);
            }
        }
        Path file = dir.resolve(name);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    /**
     * Unstacked 10×10×4 image rows of episodes of 3 to 12 steps whose frames come from 30 sparse
     * patterns (so they repeat and references point far back); bootstrap 2 steps after next_obs.
     */
    private static List<ReplayRow> rows(SplittableRandom random) {
        List<ReplayRow> rows = new ArrayList<>();
        for (int e = 0; rows.size() < 600; e++) {
            int steps = 3 + random.nextInt(10);
            List<byte[]> frames = new ArrayList<>();
            for (int t = 0; t <= steps; t++) {
                frames.add(pattern(random.nextInt(30)));
            }
            for (int t = 0; t < steps; t++) {
                ReplayRow r = new ReplayRow();
                r.envId = "MinAtar/Breakout-v1";
                r.actorId = "actor";
                r.episodeId = "e" + e;
                r.step = t;
                r.action = random.nextInt(3);
                r.eventTimeMs = 1000L + rows.size();
                r.obs = new float[0];
                r.nextObs = new float[0];
                r.bootstrapObs = new float[0];
                r.obsImage = frames.get(t);
                r.nextObsImage = frames.get(t + 1);
                r.bootstrapObsImage = frames.get(Math.min(steps, t + 3));
                r.terminated = t == steps - 1;
                r.behaviorProb = 1f;
                r.nStepCount = 1;
                r.bootstrapDiscount = 0.99f;
                r.returnToGo = Float.NaN;
                r.priority = 1.0;
                rows.add(r);
            }
        }
        return rows;
    }

    private static byte[] pattern(int p) {
        SplittableRandom bits = new SplittableRandom(p * 7919L + 3);
        byte[] frame = new byte[400];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (bits.nextInt(6) == 0 ? 1 : 0);
        }
        return frame;
    }
}
