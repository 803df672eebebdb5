package io.replayflow.schemas.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.env.EnvSpecs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameCodecTest {

    /** One row as a writer sees it. */
    record Row(String episode, int action, byte[] obs, byte[] next, byte[] boot) {}

    @Test
    void layoutComesFromTheEnvSpecAndItsStack() {
        assertThat(FrameLayout.of(EnvSpecs.builtIn("MinAtar/Breakout-v1").orElseThrow()))
                .isEqualTo(new FrameLayout(100, 4, 1));
        assertThat(FrameLayout.of(EnvSpecs.builtIn("MinAtar/Breakout-v1+stack4").orElseThrow()))
                .isEqualTo(new FrameLayout(100, 4, 4));
        assertThatThrownBy(() -> FrameLayout.of(EnvSpecs.builtIn("CartPole-v1").orElseThrow()))
                .hasMessageContaining("CartPole-v1 has FLOAT32")
                .hasMessageContaining("only for uint8 images");
    }

    @Test
    void extractAndPlaceFollowFrameStackingsLayout() {
        // 2 pixels, 2 channels, 3 frames: pixel 0 = f0c0 f0c1 f1c0 f1c1 f2c0 f2c1, then pixel 1.
        FrameLayout layout = new FrameLayout(2, 2, 3);
        byte[] obs = {0, 1, 10, 11, 20, 21, 2, 3, 12, 13, 22, 23};
        byte[] frame = new byte[4];
        layout.extract(obs, 0, 1, frame, 0);
        assertThat(frame).containsExactly(10, 11, 12, 13);
        byte[] rebuilt = new byte[12];
        for (int j = 0; j < 3; j++) {
            layout.extract(obs, 0, j, frame, 0);
            layout.place(frame, 0, j, rebuilt, 0);
        }
        assertThat(rebuilt).isEqualTo(obs);
    }

    @ParameterizedTest
    @EnumSource(FrameCodec.class)
    void unstackedEpisodesRebuildByteForByteAndStoreEachFrameOnce(FrameCodec codec) {
        FrameLayout layout = new FrameLayout(100, 4, 1);
        List<Row> rows = interleavedEpisodes(layout, 7, 6, 20, false, new SplittableRandom(1));
        Result r = roundTrip(codec, layout, FrameEncoder.DEFAULT_WINDOW, rows);
        // Each step adds one distinct frame (episode frames are unique here), plus each reset
        // frame.
        long distinct = rows.stream().map(x -> Arrays.hashCode(x.next())).distinct().count() + 7;
        assertThat(r.storedFrames).isLessThanOrEqualTo(distinct);
        // obs follows from the episode's previous row except at each episode's first row.
        assertThat(r.explicitObs).isEqualTo(7);
    }

    @ParameterizedTest
    @EnumSource(FrameCodec.class)
    void stacksAcrossAutoResetsRebuildAndStoreOneFramePerStep(FrameCodec codec) {
        FrameLayout layout = new FrameLayout(100, 4, 4);
        List<Row> rows = interleavedEpisodes(layout, 5, 8, 30, false, new SplittableRandom(2));
        Result r = roundTrip(codec, layout, FrameEncoder.DEFAULT_WINDOW, rows);
        // A reset stack is 4 copies of the first frame: stored once. Then one new frame per step.
        assertThat(r.storedFrames).isLessThanOrEqualTo(rows.size() + 5L);
        assertThat(r.singleRefNext).isEqualTo(rows.size());
    }

    @ParameterizedTest
    @EnumSource(FrameCodec.class)
    void repeatedFramesAcrossEpisodesAreReferencedNotStoredAgain(FrameCodec codec) {
        FrameLayout layout = new FrameLayout(4, 1, 1);
        // Frames from an alphabet of 3: after the first few rows nothing new is stored.
        List<Row> rows = interleavedEpisodes(layout, 4, 40, 3, false, new SplittableRandom(3));
        Result r = roundTrip(codec, layout, FrameEncoder.DEFAULT_WINDOW, rows);
        assertThat(r.storedFrames).isLessThanOrEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(FrameCodec.class)
    void lateDuplicateAndOutOfOrderRowsAndBootstrapsRebuild(FrameCodec codec) {
        FrameLayout layout = new FrameLayout(9, 2, 4);
        SplittableRandom random = new SplittableRandom(4);
        List<Row> rows = new ArrayList<>(interleavedEpisodes(layout, 6, 10, 5, true, random));
        // A duplicate delivered again later, and a late row moved ahead of its predecessors.
        rows.add(rows.get(3));
        rows.add(2, rows.remove(rows.size() - 10));
        roundTrip(codec, layout, FrameEncoder.DEFAULT_WINDOW, rows);
    }

    @ParameterizedTest
    @EnumSource(FrameCodec.class)
    void aSmallWindowStoresFramesAgainRatherThanReachBeyondIt(FrameCodec codec) {
        FrameLayout layout = new FrameLayout(9, 2, 4);
        List<Row> rows = interleavedEpisodes(layout, 9, 12, 40, true, new SplittableRandom(5));
        Result small = roundTrip(codec, layout, 17, rows);
        Result large = roundTrip(codec, layout, FrameEncoder.DEFAULT_WINDOW, rows);
        assertThat(large.storedFrames).isLessThanOrEqualTo(40);
        assertThat(small.storedFrames).isGreaterThan(large.storedFrames);
        assertThat(small.maxRef).isLessThan(17);
    }

    @ParameterizedTest
    @EnumSource(FrameCodec.class)
    void aDecoderThatMissedEarlierRowsFailsNamingTheFix(FrameCodec codec) {
        FrameLayout layout = new FrameLayout(100, 4, 4);
        List<Row> rows = interleavedEpisodes(layout, 2, 5, 30, false, new SplittableRandom(6));
        FrameEncoder encoder = new FrameEncoder(layout, FrameEncoder.DEFAULT_WINDOW, codec);
        List<EncodedFrames> encoded = new ArrayList<>();
        for (Row row : rows) {
            encoded.add(
                    encoder.encode(row.episode(), row.action(), row.obs(), row.next(), row.boot()));
        }
        FrameDecoder decoder = new FrameDecoder(layout, FrameEncoder.DEFAULT_WINDOW, codec);
        assertThatThrownBy(
                        () ->
                                decoder.decode(
                                        rows.get(5).episode(),
                                        rows.get(5).action(),
                                        encoded.get(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read the file from its start, row groups in order");
    }

    @ParameterizedTest
    @EnumSource(FrameCodec.class)
    void filesEncodedApartDecodeConcatenatedWithOneDecoder(FrameCodec codec) {
        // What log compaction relies on when it appends files' row groups: each file's encoder
        // starts empty, episodes continue across the files, one decoder reads them in sequence.
        FrameLayout layout = new FrameLayout(100, 4, 4);
        List<Row> rows = interleavedEpisodes(layout, 5, 12, 30, false, new SplittableRandom(7));
        FrameDecoder decoder = new FrameDecoder(layout, 64, codec);
        for (int file = 0; file < 3; file++) {
            FrameEncoder encoder = new FrameEncoder(layout, 64, codec);
            for (Row row : rows.subList(file * 20, file * 20 + 20)) {
                EncodedFrames e =
                        encoder.encode(row.episode(), row.action(), row.obs(), row.next(), null);
                FrameDecoder.Observations o = decoder.decode(row.episode(), row.action(), e);
                assertThat(o.obs()).isEqualTo(row.obs());
                assertThat(o.nextObs()).isEqualTo(row.next());
            }
        }
    }

    @ParameterizedTest(name = "stack of {0}")
    @ValueSource(ints = {1, 4})
    void aDeterministicEnvsRepeatedStepsCostNoReferencesAndNewFramesAFewBytes(int k) {
        // A ball moving on a 10x10 0/1 grid, one pixel per step, bouncing; the action moves a
        // paddle. Episodes from 3 start columns replay the same dynamics, so after the first
        // episodes next_obs follows from obs and the action: no references at all.
        FrameLayout layout = new FrameLayout(100, 1, k);
        SplittableRandom random = new SplittableRandom(21);
        List<Row> rows = new ArrayList<>();
        for (int e = 0; e < 60; e++) {
            List<byte[]> frames = new ArrayList<>();
            List<Integer> actions = new ArrayList<>();
            int ball = random.nextInt(3);
            int paddle = 5;
            for (int t = 0; t <= 12; t++) {
                byte[] f = new byte[100];
                f[(t % 9) * 10 + ball] = 1;
                f[90 + paddle] = 1;
                frames.add(f);
                int action = random.nextInt(2);
                actions.add(action);
                paddle = Math.max(0, Math.min(9, paddle + (action == 0 ? -1 : 1)));
            }
            List<byte[]> stacks = stacks(layout, frames);
            for (int t = 0; t < 12; t++) {
                rows.add(
                        new Row("ep-" + e, actions.get(t), stacks.get(t), stacks.get(t + 1), null));
            }
        }
        FrameEncoder encoder = new FrameEncoder(layout, FrameEncoder.DEFAULT_WINDOW);
        FrameDecoder decoder =
                new FrameDecoder(layout, FrameEncoder.DEFAULT_WINDOW, FrameCodec.LATEST);
        int predicted = 0;
        long newFrames = 0;
        long newBytes = 0;
        for (Row row : rows) {
            EncodedFrames e =
                    encoder.encode(row.episode(), row.action(), row.obs(), row.next(), null);
            predicted += e.nextObsRefs().length == 0 ? 1 : 0;
            newFrames += storedFrames(FrameCodec.LATEST, layout, e);
            newBytes += e.newFrames().length;
            FrameDecoder.Observations o = decoder.decode(row.episode(), row.action(), e);
            assertThat(o.obs()).isEqualTo(row.obs());
            assertThat(o.nextObs()).isEqualTo(row.next());
        }
        assertThat(predicted)
                .as("rows whose next_obs was predicted")
                .isGreaterThan(rows.size() / 2);
        // A new frame differs from its base in a few pixels: tag, count and gaps, not 100 bytes.
        assertThat(newBytes).isLessThan(newFrames * 8);
    }

    @ParameterizedTest(name = "stack of {0}")
    @ValueSource(ints = {1, 4})
    void generalUint8FramesRebuildByteForByte(int k) {
        // Grey levels, not 0/1: deltas of any byte value (sparse) and dense changes (raw).
        FrameLayout layout = new FrameLayout(36, 3, k);
        SplittableRandom random = new SplittableRandom(22);
        List<byte[]> frames = new ArrayList<>();
        byte[] f = new byte[layout.frameBytes()];
        random.nextBytes(f);
        for (int t = 0; t <= 40; t++) {
            f = f.clone();
            int changes = t % 5 == 0 ? f.length : 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                f[random.nextInt(f.length)] = (byte) random.nextInt(256);
            }
            frames.add(f);
        }
        List<byte[]> stacks = stacks(layout, frames);
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            byte[] boot = stacks.get(Math.min(40, t + 3));
            rows.add(new Row(t < 20 ? "a" : "b", t % 4, stacks.get(t), stacks.get(t + 1), boot));
        }
        for (FrameCodec codec : FrameCodec.values()) {
            roundTrip(codec, layout, FrameEncoder.DEFAULT_WINDOW, rows);
        }
    }

    @Test
    void aStoredFrameWithAnUnknownFormIsRefusedNamingTheFix() {
        FrameLayout layout = new FrameLayout(4, 1, 1);
        FrameDecoder decoder = new FrameDecoder(layout, 64, FrameCodec.ONCE_V2);
        EncodedFrames bad =
                new EncodedFrames(
                        new byte[] {7, 0, 0, 0, 0}, new int[] {0, 4}, new int[] {5}, null);
        assertThatThrownBy(() -> decoder.decode("e", 0, bad))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("an unknown frame tag 7")
                .hasMessageContaining("rewrite it");
    }

    @Test
    void aFooterValueNoReaderKnowsIsRefusedNamingTheVersions() {
        assertThat(FrameCodec.ofFooter("once/v1", "f")).isEqualTo(FrameCodec.ONCE_V1);
        assertThat(FrameCodec.ofFooter("once/v2", "f")).isEqualTo(FrameCodec.ONCE_V2);
        assertThatThrownBy(() -> FrameCodec.ofFooter("once/v9", "file x.parquet"))
                .hasMessageContaining("file x.parquet stores frames as 'once/v9'")
                .hasMessageContaining("reads once/v1 and once/v2");
    }

    /** Each step's stack of the last k frames, the first frame repeated at the reset. */
    private static List<byte[]> stacks(FrameLayout layout, List<byte[]> frames) {
        int k = layout.frames();
        List<byte[]> out = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            byte[] stack = new byte[layout.observationBytes()];
            for (int j = 0; j < k; j++) {
                layout.place(frames.get(Math.max(0, t - k + 1 + j)), 0, j, stack, 0);
            }
            out.add(stack);
        }
        return out;
    }

    @Test
    void anObservationOfTheWrongSizeIsRefused() {
        FrameEncoder encoder = new FrameEncoder(new FrameLayout(100, 4, 4), 64);
        assertThatThrownBy(() -> encoder.encode("e", 0, new byte[400], new byte[1600], null))
                .hasMessageContaining("obs holds 400 bytes")
                .hasMessageContaining("needs 1600");
    }

    private record Result(long storedFrames, int explicitObs, int singleRefNext, int maxRef) {}

    private static Result roundTrip(
            FrameCodec codec, FrameLayout layout, int window, List<Row> rows) {
        FrameEncoder encoder = new FrameEncoder(layout, window, codec);
        FrameDecoder decoder = new FrameDecoder(layout, window, codec);
        int offset = codec == FrameCodec.ONCE_V1 ? 0 : FrameHistory.CANDIDATES;
        long stored = 0;
        int explicitObs = 0;
        int singleRef = 0;
        int maxRef = 0;
        for (Row row : rows) {
            EncodedFrames e =
                    encoder.encode(row.episode(), row.action(), row.obs(), row.next(), row.boot());
            stored += storedFrames(codec, layout, e);
            explicitObs += e.obsRefs().length > 0 ? 1 : 0;
            singleRef += e.nextObsRefs().length <= 1 ? 1 : 0;
            for (int[] refs : new int[][] {e.obsRefs(), e.nextObsRefs(), e.bootstrapRefs()}) {
                for (int ref : refs == null ? new int[0] : refs) {
                    maxRef = Math.max(maxRef, ref - offset);
                }
            }
            FrameDecoder.Observations o = decoder.decode(row.episode(), row.action(), e);
            assertThat(o.obs()).isEqualTo(row.obs());
            assertThat(o.nextObs()).isEqualTo(row.next());
            assertThat(o.bootstrapObs()).isEqualTo(row.boot());
        }
        return new Result(stored, explicitObs, singleRef, maxRef);
    }

    static long storedFrames(FrameCodec codec, FrameLayout layout, EncodedFrames e) {
        return codec == FrameCodec.ONCE_V1
                ? e.newFrames().length / layout.frameBytes()
                : FrameDelta.count(e.newFrames(), 0, e.newFrames().length, layout.frameBytes());
    }

    /**
     * {@code episodes} episodes of {@code steps} steps stepped round robin (as a vector of envs
     * logs them), each a stack of k frames as the actors' FrameStack builds it: at the reset all k
     * slots hold the first frame. Frames draw their bytes from {@code alphabet} patterns. With
     * {@code bootstraps}, each row carries the next_obs 2 steps later (or its own at the end).
     */
    private static List<Row> interleavedEpisodes(
            FrameLayout layout,
            int episodes,
            int steps,
            int alphabet,
            boolean bootstraps,
            SplittableRandom random) {
        int k = layout.frames();
        List<List<byte[]>> stacks = new ArrayList<>();
        for (int e = 0; e < episodes; e++) {
            List<byte[]> frames = new ArrayList<>();
            for (int t = 0; t <= steps; t++) {
                frames.add(frame(layout, random.nextInt(alphabet), random));
            }
            List<byte[]> obs = new ArrayList<>();
            for (int t = 0; t <= steps; t++) {
                byte[] stack = new byte[layout.observationBytes()];
                for (int j = 0; j < k; j++) {
                    layout.place(frames.get(Math.max(0, t - k + 1 + j)), 0, j, stack, 0);
                }
                obs.add(stack);
            }
            stacks.add(obs);
        }
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < episodes; e++) {
                List<byte[]> obs = stacks.get(e);
                byte[] boot = bootstraps ? obs.get(Math.min(steps, t + 3)) : null;
                rows.add(new Row("ep-" + e, t % 3, obs.get(t), obs.get(t + 1), boot));
            }
        }
        return rows;
    }

    /**
     * A sparse 0/1 frame; pattern {@code p} of an alphabet, or unique when the alphabet is large.
     */
    private static byte[] frame(FrameLayout layout, int p, SplittableRandom random) {
        byte[] frame = new byte[layout.frameBytes()];
        SplittableRandom patterns = new SplittableRandom(p * 7919L + 13);
        SplittableRandom source = layout.frameBytes() > 50 ? random : patterns;
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (source.nextInt(5) == 0 ? 1 : 0);
        }
        return frame;
    }
}
