package io.replayflow.schemas.frames;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What a {@link FrameCodec#ONCE_V2} encoder and decoder both know after the same rows: the last
 * {@code window} frames of the file's frame sequence, per episode its last next_obs, and the
 * predictions both derive from past rows in the same way, so a reference to a predicted frame costs
 * (almost) nothing.
 *
 * <ul>
 *   <li>{@link #predicted}: per (frame, action), the frame that last followed it as next_obs's last
 *       frame (what a deterministic env does again);
 *   <li>{@link #successors}: per frame, the last {@link #CANDIDATES} distinct frames that followed
 *       it, most recent first;
 *   <li>{@link #starts}: the last {@link #CANDIDATES} distinct frames of explicitly stored obs (the
 *       first rows of episodes: reset frames), most recent first.
 * </ul>
 *
 * A frame is <em>usable</em> in a row when it will still be in the window after the row's own new
 * frames (at most 3k) are appended; both sides use only usable frames. The maps forget entries of
 * frames that left the window, so memory stays bounded by the window. Not thread-safe.
 */
final class FrameHistory {

    /** Candidates per list: a reference below this is a rank in a list, else a distance + it. */
    static final int CANDIDATES = 4;

    private static final long[] NO_CANDIDATES = new long[0];

    private record Step(long frame, int action) {}

    final int window;
    final int frameBytes;
    private final int margin;
    private byte[] ring = new byte[0];
    long count;

    private final Map<Object, long[]> lastNextObs = new HashMap<>();
    private final Map<Object, long[]> lastBootstrap = new HashMap<>();
    private final Map<Step, Long> predicted = new HashMap<>();
    private final Map<Long, long[]> successors = new HashMap<>();
    private final long[] starts = new long[CANDIDATES];
    private int startCount;

    FrameHistory(FrameLayout layout, int window) {
        this.window = window;
        this.frameBytes = layout.frameBytes();
        this.margin = 3 * layout.frames();
    }

    /** Forgets the predictions (not the frames): a new file's rows begin. */
    void restart() {
        predicted.clear();
        successors.clear();
        startCount = 0;
    }

    /** The ring array holding frame {@code index} (see {@link #offset}). */
    byte[] ring() {
        return ring;
    }

    /** The offset of frame {@code index} in {@link #ring()}. */
    int offset(long index) {
        return (int) (index % window) * frameBytes;
    }

    /** Whether frame {@code index} stays in the window through a row that starts at {@code at}. */
    boolean usable(long index, long at) {
        return index >= 0 && index < at && at - index <= window - margin;
    }

    /** Makes room for the next frame and returns its offset in {@link #ring()}; count grows. */
    int appendSlot() {
        int slot = (int) (count % window);
        int needed = (slot + 1) * frameBytes;
        if (ring.length < needed) {
            long grown = Math.max(needed, Math.min((long) window * frameBytes, 2L * ring.length));
            ring = Arrays.copyOf(ring, (int) grown);
        }
        count++;
        return slot * frameBytes;
    }

    long[] lastNextObs(Object episode) {
        return lastNextObs.get(episode);
    }

    /** The episode's last bootstrap observation in the file, or null. */
    long[] lastBootstrap(Object episode) {
        return lastBootstrap.get(episode);
    }

    /**
     * The candidates of a bootstrap observation: after {@code previous} (the episode's last
     * bootstrap; an n-step bootstrap moves one step per row), its successors and itself; without
     * one (an episode's first row), the successors of next_obs's last frame's latest successor, or
     * of next_obs's last frame: a bootstrap lies steps beyond next_obs.
     */
    long[] bootstrapCandidates(long[] previous, long nextLast) {
        if (previous == null) {
            long[] after = successors(nextLast);
            return after.length == 0 ? after : successors(after[0]);
        }
        long last = previous[previous.length - 1];
        long[] s = successors(last);
        for (long c : s) {
            if (c == last) {
                return s;
            }
        }
        long[] candidates = Arrays.copyOf(s, Math.min(s.length + 1, CANDIDATES));
        candidates[candidates.length - 1] = last;
        return candidates;
    }

    /**
     * The predicted last frame of next_obs after {@code frame} and {@code action}: the one that
     * followed them last, else the latest successor of {@code frame}; -1 when none.
     */
    long predicted(long frame, int action) {
        Long p = predicted.get(new Step(frame, action));
        if (p == null) {
            long[] s = successors.get(frame);
            return s == null ? -1 : s[0];
        }
        return p;
    }

    /** The successors of {@code frame}, most recent first (read-only). */
    long[] successors(long frame) {
        long[] s = successors.get(frame);
        return s == null ? NO_CANDIDATES : s;
    }

    /** The start frames, most recent first (a copy). */
    long[] starts() {
        return Arrays.copyOf(starts, startCount);
    }

    /** Learns from one decoded row, the same way on both sides. */
    void record(
            Object episode,
            long[] obs,
            boolean obsExplicit,
            int action,
            long[] next,
            long[] bootstrap) {
        long from = obs[obs.length - 1];
        long to = next[next.length - 1];
        predicted.put(new Step(from, action), to);
        follows(from, to);
        if (bootstrap != null) {
            long[] previous = lastBootstrap.put(episode, bootstrap);
            if (previous != null) {
                follows(previous[previous.length - 1], bootstrap[bootstrap.length - 1]);
            }
        }
        if (obsExplicit) {
            for (long frame : obs) {
                long[] moved = toFront(starts, startCount, frame);
                System.arraycopy(moved, 0, starts, 0, moved.length);
                startCount = moved.length;
            }
        }
        lastNextObs.put(episode, next);
        if (predicted.size() > 2 * window || successors.size() > 2 * window) {
            forgetBefore(count - window);
        }
    }

    private void follows(long from, long to) {
        long[] s = successors.get(from);
        successors.put(from, toFront(s == null ? NO_CANDIDATES : s, s == null ? 0 : s.length, to));
    }

    private void forgetBefore(long oldest) {
        predicted.keySet().removeIf(step -> step.frame() < oldest);
        for (Iterator<Long> it = successors.keySet().iterator(); it.hasNext(); ) {
            if (it.next() < oldest) {
                it.remove();
            }
        }
    }

    /**
     * {@code list[0..size)} with {@code frame} moved (or added) to the front, at most CANDIDATES.
     */
    private static long[] toFront(long[] list, int size, long frame) {
        int at = 0;
        while (at < size && list[at] != frame) {
            at++;
        }
        int length = at < size ? size : Math.min(size + 1, CANDIDATES);
        long[] moved = new long[length];
        moved[0] = frame;
        int j = 1;
        for (int i = 0; i < size && j < length; i++) {
            if (i != at) {
                moved[j++] = list[i];
            }
        }
        return moved;
    }
}
