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

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameCodecTest {

    /** One row as a writer sees it. */
    record Row(String episode, byte[] obs, byte[] next, byte[] boot) {}

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

    @Test
    void unstackedEpisodesRebuildByteForByteAndStoreEachFrameOnce() {
        FrameLayout layout = new FrameLayout(100, 4, 1);
        List<Row> rows = interleavedEpisodes(layout, 7, 6, 20, false, new SplittableRandom(1));
        Result r = roundTrip(layout, FrameEncoder.DEFAULT_WINDOW, rows);
        // Each step adds one distinct frame (episode frames are unique here), plus each reset
        // frame.
        long distinct = rows.stream().map(x -> Arrays.hashCode(x.next())).distinct().count() + 7;
        assertThat(r.storedFrames).isLessThanOrEqualTo(distinct);
        // obs follows from the episode's previous row except at each episode's first row.
        assertThat(r.explicitObs).isEqualTo(7);
    }

    @Test
    void stacksAcrossAutoResetsRebuildAndStoreOneFramePerStep() {
        FrameLayout layout = new FrameLayout(100, 4, 4);
        List<Row> rows = interleavedEpisodes(layout, 5, 8, 30, false, new SplittableRandom(2));
        Result r = roundTrip(layout, FrameEncoder.DEFAULT_WINDOW, rows);
        // A reset stack is 4 copies of the first frame: stored once. Then one new frame per step.
        assertThat(r.storedFrames).isLessThanOrEqualTo(rows.size() + 5L);
        assertThat(r.singleRefNext).isEqualTo(rows.size());
    }

    @Test
    void repeatedFramesAcrossEpisodesAreReferencedNotStoredAgain() {
        FrameLayout layout = new FrameLayout(4, 1, 1);
        // Frames from an alphabet of 3: after the first few rows nothing new is stored.
        List<Row> rows = interleavedEpisodes(layout, 4, 40, 3, false, new SplittableRandom(3));
        Result r = roundTrip(layout, FrameEncoder.DEFAULT_WINDOW, rows);
        assertThat(r.storedFrames).isLessThanOrEqualTo(3);
    }

    @Test
    void lateDuplicateAndOutOfOrderRowsAndBootstrapsRebuild() {
        FrameLayout layout = new FrameLayout(9, 2, 4);
        SplittableRandom random = new SplittableRandom(4);
        List<Row> rows = new ArrayList<>(interleavedEpisodes(layout, 6, 10, 5, true, random));
        // A duplicate delivered again later, and a late row moved ahead of its predecessors.
        rows.add(rows.get(3));
        rows.add(2, rows.remove(rows.size() - 10));
        roundTrip(layout, FrameEncoder.DEFAULT_WINDOW, rows);
    }

    @Test
    void aSmallWindowStoresFramesAgainRatherThanReachBeyondIt() {
        FrameLayout layout = new FrameLayout(9, 2, 4);
        List<Row> rows = interleavedEpisodes(layout, 9, 12, 40, true, new SplittableRandom(5));
        Result small = roundTrip(layout, 17, rows);
        Result large = roundTrip(layout, FrameEncoder.DEFAULT_WINDOW, rows);
        assertThat(large.storedFrames).isLessThanOrEqualTo(40);
        assertThat(small.storedFrames).isGreaterThan(large.storedFrames);
        assertThat(small.maxRef).isLessThan(17);
    }

    @Test
    void aDecoderThatMissedEarlierRowsFailsNamingTheFix() {
        FrameLayout layout = new FrameLayout(100, 4, 4);
        List<Row> rows = interleavedEpisodes(layout, 2, 5, 30, false, new SplittableRandom(6));
        FrameEncoder encoder = new FrameEncoder(layout, FrameEncoder.DEFAULT_WINDOW);
        List<EncodedFrames> encoded = new ArrayList<>();
        for (Row row : rows) {
            encoded.add(encoder.encode(row.episode(), row.obs(), row.next(), row.boot()));
        }
        FrameDecoder decoder = new FrameDecoder(layout, FrameEncoder.DEFAULT_WINDOW);
        assertThatThrownBy(() -> decoder.decode(rows.get(5).episode(), encoded.get(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read the file from its start, row groups in order");
    }

    @Test
    void filesEncodedApartDecodeConcatenatedWithOneDecoder() {
        // What log compaction relies on when it appends files' row groups: each file's encoder
        // starts empty, episodes continue across the files, one decoder reads them in sequence.
        FrameLayout layout = new FrameLayout(100, 4, 4);
        List<Row> rows = interleavedEpisodes(layout, 5, 12, 30, false, new SplittableRandom(7));
        FrameDecoder decoder = new FrameDecoder(layout, 64);
        for (int file = 0; file < 3; file++) {
            FrameEncoder encoder = new FrameEncoder(layout, 64);
            for (Row row : rows.subList(file * 20, file * 20 + 20)) {
                EncodedFrames e = encoder.encode(row.episode(), row.obs(), row.next(), null);
                FrameDecoder.Observations o = decoder.decode(row.episode(), e);
                assertThat(o.obs()).isEqualTo(row.obs());
                assertThat(o.nextObs()).isEqualTo(row.next());
            }
        }
    }

    @Test
    void anObservationOfTheWrongSizeIsRefused() {
        FrameEncoder encoder = new FrameEncoder(new FrameLayout(100, 4, 4), 64);
        assertThatThrownBy(() -> encoder.encode("e", new byte[400], new byte[1600], null))
                .hasMessageContaining("obs holds 400 bytes")
                .hasMessageContaining("needs 1600");
    }

    private record Result(long storedFrames, int explicitObs, int singleRefNext, int maxRef) {}

    private static Result roundTrip(FrameLayout layout, int window, List<Row> rows) {
        FrameEncoder encoder = new FrameEncoder(layout, window);
        FrameDecoder decoder = new FrameDecoder(layout, window);
        long stored = 0;
        int explicitObs = 0;
        int singleRef = 0;
        int maxRef = 0;
        for (Row row : rows) {
            EncodedFrames e = encoder.encode(row.episode(), row.obs(), row.next(), row.boot());
            stored += e.newFrames().length / layout.frameBytes();
            explicitObs += e.obsRefs().length > 0 ? 1 : 0;
            singleRef += e.nextObsRefs().length == 1 ? 1 : 0;
            for (int[] refs : new int[][] {e.obsRefs(), e.nextObsRefs(), e.bootstrapRefs()}) {
                for (int ref : refs == null ? new int[0] : refs) {
                    maxRef = Math.max(maxRef, ref);
                }
            }
            FrameDecoder.Observations o = decoder.decode(row.episode(), e);
            assertThat(o.obs()).isEqualTo(row.obs());
            assertThat(o.nextObs()).isEqualTo(row.next());
            assertThat(o.bootstrapObs()).isEqualTo(row.boot());
        }
        return new Result(stored, explicitObs, singleRef, maxRef);
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
                rows.add(new Row("ep-" + e, obs.get(t), obs.get(t + 1), boot));
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
