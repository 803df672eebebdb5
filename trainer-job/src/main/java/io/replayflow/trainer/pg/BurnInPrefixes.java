package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The burn-in prefixes of recurrent training (R2D2, Kapturowski et al., "Recurrent Experience
 * Replay in Distributed Reinforcement Learning", ICLR 2019): for each segment, the up to {@code K}
 * observations of its episode just before its first step, kept on the learner's side from the
 * segments it was served before.
 *
 * <p>Segments arrive FIFO, so an episode's segments arrive in step order; this keeps the last
 * {@code K + 2T} observations of every open episode (keyed by {@link SegmentBatch#episodeKeys()},
 * positioned by {@link SegmentBatch#firstSteps()}), enough for a segment served again up to one
 * segment later. A segment at step 0 of its episode needs no prefix: its state is exactly zero. A
 * segment whose prefix reaches step 0 gets exactly the state an actor with the same network had;
 * one whose episode began more than {@code K} steps earlier gets R2D2's approximation (zero state
 * {@code K} steps back). A segment of which nothing before is known (its episode's earlier segments
 * were never served, or it came from outside a dataset) starts from the zero state and is counted
 * in {@link #zeroStateSegments()}.
 *
 * <p>Prefixes are right-aligned: segment {@code b}'s prefix fills the last steps of its row of
 * {@code K}, and the mask is 0 on the left padding, so a masked unroll from zeros reaches the real
 * steps with the zero state. Memory: at most {@code maxEpisodes * (K + 2T) * obsDim} floats (least
 * recently used episodes are forgotten first). Not thread-safe: owned by the learner's thread.
 */
public final class BurnInPrefixes {

    /** What {@link #next} found for one batch. */
    public record Prefixes(
            float[] obs, // [B * K * obsDim]
            float[] mask, // [B * K]
            boolean any) {} // true when some segment has a prefix step

    private final int burnIn;
    private final int obsDim;
    private final int capacity;
    private final Map<String, History> episodes;
    private long zeroState;

    /** The last observations of one episode: steps {@code [start, start + obs.size())}. */
    private static final class History {
        final ArrayDeque<float[]> obs = new ArrayDeque<>();
        long start;

        long end() {
            return start + obs.size();
        }
    }

    /**
     * @param burnIn K, the most prefix steps per segment (>= 1)
     * @param length T, the segment length
     * @param obsDim observation width
     * @param maxEpisodes episodes remembered at once
     */
    public BurnInPrefixes(int burnIn, int length, int obsDim, int maxEpisodes) {
        if (burnIn < 1 || length < 1 || obsDim < 1 || maxEpisodes < 1) {
            throw new IllegalArgumentException(
                    "burn-in "
                            + burnIn
                            + ", length "
                            + length
                            + ", obs width "
                            + obsDim
                            + " and episodes "
                            + maxEpisodes
                            + " must be >= 1");
        }
        this.burnIn = burnIn;
        this.obsDim = obsDim;
        this.capacity = burnIn + 2 * length;
        this.episodes =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, History> eldest) {
                        return size() > maxEpisodes;
                    }
                };
    }

    /**
     * The prefix of every segment of {@code batch}, in batch order, each segment's own steps
     * remembered right after its prefix is taken (so a segment finds the one before it in the same
     * batch).
     */
    public Prefixes next(SegmentBatch batch) {
        if (batch.obsDim() != obsDim) {
            throw new IllegalArgumentException(
                    "segments of obs width " + batch.obsDim() + ", burn-in kept for " + obsDim);
        }
        float[] obs = new float[batch.size() * burnIn * obsDim];
        float[] mask = new float[batch.size() * burnIn];
        boolean any = false;
        for (int b = 0; b < batch.size(); b++) {
            String key = batch.episodeKeys()[b];
            long first = batch.firstSteps()[b];
            if (first == 0) {
                // the episode's first step: zero state, exactly
            } else if (key == null || first < 0) {
                zeroState++;
            } else {
                History h = episodes.get(key);
                if (h != null && h.start < first && first <= h.end()) {
                    long from = Math.max(h.start, first - burnIn);
                    int n = (int) (first - from);
                    int slot = b * burnIn + burnIn - n; // right-aligned
                    long step = h.start;
                    for (float[] row : h.obs) {
                        if (step >= from && step < first) {
                            int k = slot + (int) (step - from);
                            System.arraycopy(row, 0, obs, k * obsDim, obsDim);
                            mask[k] = 1f;
                        }
                        step++;
                    }
                    any = true;
                } else {
                    zeroState++;
                }
            }
            if (key != null && first >= 0) {
                remember(key, first, batch, b);
            }
        }
        return new Prefixes(obs, mask, any);
    }

    private void remember(String key, long first, SegmentBatch batch, int b) {
        History h = episodes.get(key);
        if (h == null || first > h.end()) { // a new episode, or a gap in it
            h = new History();
            h.start = first;
            episodes.put(key, h);
        }
        for (int t = 0; t < batch.length(); t++) {
            int i = batch.index(b, t);
            if (batch.valid()[i] == 0f) {
                break;
            }
            if (first + t == h.end()) {
                int from = i * obsDim;
                h.obs.addLast(Arrays.copyOfRange(batch.obs(), from, from + obsDim));
            }
        }
        while (h.obs.size() > capacity) {
            h.obs.removeFirst();
            h.start++;
        }
    }

    /** Segments that started mid-episode with no known prefix, so from the zero state. */
    public long zeroStateSegments() {
        return zeroState;
    }

    /** Episodes remembered now. */
    public int episodes() {
        return episodes.size();
    }

    /** For tests: the steps remembered of {@code key}'s episode, {@code [start, end)}. */
    long[] remembered(String key) {
        History h = episodes.get(key);
        return h == null ? new long[0] : new long[] {h.start, h.end()};
    }
}
