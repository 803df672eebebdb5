package io.replayflow.replay.read.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.replay.row.ReplayColumns;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.row.ReplayRowParquet;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.env.FrameStacking;
import io.replayflow.schemas.frames.FrameCodec;
import io.replayflow.schemas.frames.FrameLayout;
import io.replayflow.schemas.testing.ImageTransitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.fs.FileSystem;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay files whose image rows store each frame once ({@code replay/v3}) load byte for byte what
 * was written: real Parquet files with many row groups, interleaved episodes, auto-resets of a
 * frame stack, bootstrap images, rows the filter drops and a second env in the same file; and files
 * with whole images ({@code replay/v2}) still load the same.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FramesOnceLoadTest {

    private static final String STACKED = FrameStacking.id("MinAtar/Breakout-v1", 4);
    private static final String PLAIN = "MinAtar/Breakout-v1";

    @TempDir Path dir;

    @Test
    void stackedRowsAcrossRowGroupsAndResetsRebuildByteForByte() throws Exception {
        List<ReplayRow> rows = rows(new SplittableRandom(11));
        Path v3 = write("v3.parquet", rows, true);
        Path v2 = write("v2.parquet", rows, false);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(v3))) {
            assertThat(reader.getRowGroups()).hasSizeGreaterThan(3);
            assertThat(reader.getFooter().getFileMetaData().getKeyValueMetaData())
                    .containsEntry("replayflow.row", "replay/v3")
                    .containsEntry(ReplayColumns.FRAMES_KEY, ReplayColumns.FRAMES_ONCE_V2)
                    .containsEntry(ReplayColumns.FRAMES_LAYOUT_KEY_PREFIX + STACKED, "100,4,4");
        }
        assertThat(Files.size(v3) * 3).isLessThan(Files.size(v2));

        RowFilter stackedOnly =
                new RowFilter(Set.of(STACKED), Long.MIN_VALUE, Long.MAX_VALUE, null);
        List<ReplayRow> expected = rows.stream().filter(r -> r.envId.equals(STACKED)).toList();
        assertLoads(v3, stackedOnly, expected);
        assertLoads(v2, stackedOnly, expected);
    }

    @Test
    void replayFilesOfTheFirstFrameCodecStillLoadByteForByte() throws Exception {
        // Files that main wrote before once/v2 (session 12): the old encoder, its footer value.
        List<ReplayRow> rows = rows(new SplittableRandom(14));
        Path v1 = write("v1.parquet", rows, true, FrameCodec.ONCE_V1);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(v1))) {
            assertThat(reader.getFooter().getFileMetaData().getKeyValueMetaData())
                    .containsEntry(ReplayColumns.FRAMES_KEY, ReplayColumns.FRAMES_ONCE_V1);
        }
        long from = rows.get(rows.size() / 2).eventTimeMs;
        for (String env : List.of(STACKED, PLAIN)) {
            RowFilter filter = new RowFilter(Set.of(env), from, Long.MAX_VALUE, null);
            assertLoads(
                    v1,
                    filter,
                    rows.stream()
                            .filter(r -> r.envId.equals(env) && r.eventTimeMs >= from)
                            .toList());
        }
    }

    @Test
    void bootstrapReferencesAreByteStreamSplitAndDictionaryFilesStillLoad() throws Exception {
        // Replay files written before 2026-12-06 15:30 kept the bootstrap references in a
        // dictionary; the writer now splits them into byte streams (same values, same footer).
        List<ReplayRow> rows = rows(new SplittableRandom(15));
        Path split = write("split.parquet", rows, true);
        Path dictionary = dir.resolve("dictionary.parquet");
        try (ParquetWriter<ReplayRow> writer =
                ReplayRowParquet.writer(
                        outputFile(dictionary),
                        CompressionCodecName.ZSTD,
                        false,
                        true,
                        4096,
                        FrameCodec.LATEST,
                        false)) {
            for (ReplayRow row : rows) {
                writer.write(row);
            }
        }
        assertThat(bootstrapRefEncodings(split))
                .contains(Encoding.BYTE_STREAM_SPLIT)
                .doesNotContain(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
        assertThat(bootstrapRefEncodings(dictionary))
                .contains(Encoding.PLAIN_DICTIONARY)
                .doesNotContain(Encoding.BYTE_STREAM_SPLIT);
        for (String env : List.of(STACKED, PLAIN)) {
            RowFilter filter = new RowFilter(Set.of(env), Long.MIN_VALUE, Long.MAX_VALUE, null);
            List<ReplayRow> expected = rows.stream().filter(r -> r.envId.equals(env)).toList();
            assertLoads(split, filter, expected);
            assertLoads(dictionary, filter, expected);
        }
    }

    private static Set<Encoding> bootstrapRefEncodings(Path file) throws Exception {
        Set<Encoding> encodings = new java.util.HashSet<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            for (BlockMetaData block : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData column : block.getColumns()) {
                    if (column.getPath()
                            .toDotString()
                            .equals(ReplayColumns.BOOTSTRAP_OBS_FRAMES + ".list.element")) {
                        encodings.addAll(column.getEncodings());
                    }
                }
            }
        }
        assertThat(encodings).as("encodings of %s's bootstrap references", file).isNotEmpty();
        return encodings;
    }

    @Test
    void rowsTheFilterDropsStillFeedTheFramesOfTheRowsItKeeps() throws Exception {
        List<ReplayRow> rows = rows(new SplittableRandom(12));
        Path v3 = write("v3.parquet", rows, true);
        // Keep a late window of time only: its rows reference frames of dropped row groups.
        long from = rows.get(rows.size() * 2 / 3).eventTimeMs;
        RowFilter late = new RowFilter(Set.of(STACKED), from, Long.MAX_VALUE, null);
        List<ReplayRow> expected =
                rows.stream()
                        .filter(r -> r.envId.equals(STACKED) && r.eventTimeMs >= from)
                        .toList();
        assertLoads(v3, late, expected);
        RowFilter plain = new RowFilter(Set.of(PLAIN), Long.MIN_VALUE, Long.MAX_VALUE, null);
        assertLoads(v3, plain, rows.stream().filter(r -> r.envId.equals(PLAIN)).toList());
    }

    @Test
    void vectorRowsInAFramesOnceFileLoadAsVectors() throws Exception {
        List<ReplayRow> rows = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            ReplayRow r = row("CartPole-v1", "ep", t, 1000 + t);
            r.obs = new float[] {t, t + 0.5f};
            r.nextObs = new float[] {t + 1, t + 1.5f};
            r.bootstrapObs = r.nextObs;
            rows.add(r);
        }
        Path v3 = write("vectors.parquet", rows, true);
        FileBlock block = load(v3, RowFilter.all());
        assertThat(block.images).isFalse();
        assertThat(block.obs).startsWith(0f, 0.5f, 1f, 1.5f);
        assertThat(block.nextObs).startsWith(1f, 1.5f, 2f, 2.5f);
    }

    @Test
    void experienceLogFilesThatStoreFramesOnceLoadByteForByte() throws Exception {
        // The log's writer, the log's columns: the same frame columns and codec as replay/v3.
        List<Transition> log = ImageTransitions.interleaved(4, 6, 2_000, 13);
        Path once = writeLog("log-once.parquet", log, true);
        Path whole = writeLog("log-whole.parquet", log, false);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(once))) {
            assertThat(reader.getRowGroups()).hasSizeGreaterThan(3);
        }
        long from = log.get(1_500).getEventTimeMs();
        RowFilter late = new RowFilter(Set.of(), from, Long.MAX_VALUE, null);
        for (Path file : List.of(once, whole)) {
            FileBlock block = load(file, late);
            List<Transition> expected =
                    log.stream().filter(t -> t.getEventTimeMs() >= from).toList();
            assertThat(block.images).isTrue();
            assertThat(block.rows).isEqualTo(expected.size());
            int d = block.obsDim;
            assertThat(d).isEqualTo(1_600);
            for (int i = 0; i < expected.size(); i++) {
                Transition t = expected.get(i);
                assertThat(Arrays.copyOfRange(block.obsBytes, i * d, (i + 1) * d))
                        .as("obs of row %d of %s", i, file.getFileName())
                        .isEqualTo(bytes(t.getObsImage().getData()));
                assertThat(Arrays.copyOfRange(block.nextObsBytes, i * d, (i + 1) * d))
                        .as("next_obs of row %d of %s", i, file.getFileName())
                        .isEqualTo(bytes(t.getNextObsImage().getData()));
            }
        }
    }

    private Path writeLog(String name, List<Transition> rows, boolean framesOnce) throws Exception {
        Path file = dir.resolve(name);
        try (ParquetWriter<Transition> writer =
                TransitionParquet.writer(
                        new FlinkOutputFile(
                                FileSystem.getLocalFileSystem()
                                        .create(
                                                new org.apache.flink.core.fs.Path(file.toUri()),
                                                FileSystem.WriteMode.OVERWRITE)),
                        LogCompression.ZSTD,
                        64 << 10,
                        framesOnce)) {
            for (Transition t : rows) {
                writer.write(t);
            }
        }
        return file;
    }

    private static byte[] bytes(java.nio.ByteBuffer data) {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }

    private void assertLoads(Path file, RowFilter filter, List<ReplayRow> expected)
            throws Exception {
        FileBlock block = load(file, filter);
        assertThat(block.images).isTrue();
        assertThat(block.rows).isEqualTo(expected.size());
        int d = block.obsDim;
        byte[] boot = new byte[d];
        for (int i = 0; i < expected.size(); i++) {
            ReplayRow r = expected.get(i);
            assertThat(Arrays.copyOfRange(block.obsBytes, i * d, (i + 1) * d))
                    .as("obs of row %d (%s step %d)", i, r.episodeId, r.step)
                    .isEqualTo(r.obsImage);
            assertThat(Arrays.copyOfRange(block.nextObsBytes, i * d, (i + 1) * d))
                    .as("next_obs of row %d", i)
                    .isEqualTo(r.nextObsImage);
            block.copyBootstrapObs(i, boot, 0);
            assertThat(boot).as("bootstrap of row %d", i).isEqualTo(r.bootstrapObsImage);
        }
    }

    private static FileBlock load(Path file, RowFilter filter) throws Exception {
        DataFile data =
                new DataFile(
                        new org.apache.flink.core.fs.Path(file.toUri()),
                        file.getFileName().toString(),
                        Optional.empty(),
                        Files.size(file));
        return new BlockLoader(new Dictionaries(), filter, -1)
                .load(FileSystem.getLocalFileSystem(), data);
    }

    private Path write(String name, List<ReplayRow> rows, boolean framesOnce) throws Exception {
        return write(name, rows, framesOnce, FrameCodec.LATEST);
    }

    private Path write(String name, List<ReplayRow> rows, boolean framesOnce, FrameCodec codec)
            throws Exception {
        Path file = dir.resolve(name);
        try (ParquetWriter<ReplayRow> writer =
                ReplayRowParquet.writer(
                        outputFile(file),
                        CompressionCodecName.ZSTD,
                        false,
                        framesOnce,
                        4096,
                        codec)) {
            for (ReplayRow row : rows) {
                writer.write(row);
            }
        }
        return file;
    }

    private static FlinkOutputFile outputFile(Path file) throws Exception {
        return new FlinkOutputFile(
                FileSystem.getLocalFileSystem()
                        .create(
                                new org.apache.flink.core.fs.Path(file.toUri()),
                                FileSystem.WriteMode.OVERWRITE));
    }

    /**
     * Rows as 6 actors log them, interleaved step by step: each actor plays episodes of 3 to 14
     * steps back to back (auto-reset: the new episode's first stack is 4 copies of its first
     * frame), on the stacked env, plus one actor on the unstacked env. Frames come from a small set
     * of sparse 0/1 patterns, so they repeat across episodes. Bootstrap: next_obs 2 steps later,
     * clipped to the episode's end.
     */
    private static List<ReplayRow> rows(SplittableRandom random) {
        FrameLayout stacked = new FrameLayout(100, 4, 4);
        FrameLayout plain = new FrameLayout(100, 4, 1);
        List<List<ReplayRow>> actors = new ArrayList<>();
        for (int a = 0; a < 7; a++) {
            FrameLayout layout = a < 6 ? stacked : plain;
            String env = a < 6 ? STACKED : PLAIN;
            List<ReplayRow> out = new ArrayList<>();
            for (int e = 0; out.size() < 150; e++) {
                int steps = 3 + random.nextInt(12);
                List<byte[]> frames = new ArrayList<>();
                for (int t = 0; t <= steps; t++) {
                    frames.add(pattern(random.nextInt(40)));
                }
                List<byte[]> obs = new ArrayList<>();
                for (int t = 0; t <= steps; t++) {
                    byte[] o = new byte[layout.observationBytes()];
                    for (int j = 0; j < layout.frames(); j++) {
                        int f = Math.max(0, t - layout.frames() + 1 + j);
                        layout.place(frames.get(f), 0, j, o, 0);
                    }
                    obs.add(o);
                }
                for (int t = 0; t < steps; t++) {
                    ReplayRow r = row(env, "a" + a + "-e" + e, t, 0);
                    r.obsImage = obs.get(t);
                    r.nextObsImage = obs.get(t + 1);
                    r.bootstrapObsImage = obs.get(Math.min(steps, t + 3));
                    r.terminated = t == steps - 1;
                    out.add(r);
                }
            }
            actors.add(out);
        }
        List<ReplayRow> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            for (List<ReplayRow> actor : actors) {
                ReplayRow r = actor.get(i);
                r.eventTimeMs = 1000L + rows.size();
                rows.add(r);
            }
        }
        return rows;
    }

    private static byte[] pattern(int p) {
        SplittableRandom bits = new SplittableRandom(p * 104729L + 7);
        byte[] frame = new byte[400];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (bits.nextInt(6) == 0 ? 1 : 0);
        }
        return frame;
    }

    private static ReplayRow row(String env, String episode, int step, long timeMs) {
        ReplayRow r = new ReplayRow();
        r.envId = env;
        r.actorId = "actor";
        r.episodeId = episode;
        r.step = step;
        r.action = (episode.hashCode() + step) % 3 & 3; // decoders predict from the action
        r.eventTimeMs = timeMs;
        r.obs = new float[0];
        r.nextObs = new float[0];
        r.bootstrapObs = new float[0];
        r.behaviorProb = 1f;
        r.nStepCount = 1;
        r.bootstrapDiscount = 0.99f;
        r.returnToGo = Float.NaN;
        r.priority = 1.0;
        return r;
    }
}
