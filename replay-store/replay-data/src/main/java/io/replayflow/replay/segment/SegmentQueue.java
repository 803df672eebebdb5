package io.replayflow.replay.segment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The reader's FIFO of complete segments: oldest unused first, then (with {@code maxUses} > 1)
 * segments already used fewer than {@code maxUses} times, oldest first; each is handed out at most
 * {@code maxUses} times and never once it falls out of the {@link SegmentWindow}.
 *
 * <p>Cost: {@link #take} is O(queued segments) (it evicts out-of-window segments first). Not
 * thread-safe; owned by the learner's thread.
 */
final class SegmentQueue {

    private final int maxUses;
    private final SegmentWindow window;
    private final Deque<Segment> unused = new ArrayDeque<>();
    private final Deque<Segment> used = new ArrayDeque<>();
    private long dropped;
    private long served;

    SegmentQueue(int maxUses, SegmentWindow window) {
        if (maxUses < 1) {
            throw new IllegalArgumentException(
                    "segment max uses is " + maxUses + "; it must be >= 1 (1: on-policy)");
        }
        this.maxUses = maxUses;
        this.window = window;
    }

    /** Appends a new segment (newer than every queued one). */
    void add(Segment segment) {
        unused.addLast(segment);
    }

    /**
     * Takes {@code count} segments, or none when fewer are in the window; each taken one counts a
     * use.
     */
    List<Segment> take(int count, long nowMs, long learnerVersion) {
        evict(nowMs, learnerVersion);
        if (unused.size() + used.size() < count) {
            return List.of();
        }
        List<Segment> out = new ArrayList<>(count);
        List<Segment> again = new ArrayList<>();
        while (out.size() < count) {
            Segment s = unused.isEmpty() ? used.pollFirst() : unused.pollFirst();
            s.uses++;
            out.add(s);
            if (s.uses < maxUses) {
                again.add(s);
            }
        }
        // Taken segments go behind the ones used as often, keeping the used queue oldest first
        // among equals.
        for (Segment s : again) {
            used.addLast(s);
        }
        served += count;
        return out;
    }

    /** Drops out-of-window segments; returns how many are left. */
    int evict(long nowMs, long learnerVersion) {
        for (Deque<Segment> q : List.of(unused, used)) {
            int before = q.size();
            q.removeIf(s -> window.excludes(s, nowMs, learnerVersion));
            dropped += before - q.size();
        }
        return size();
    }

    int size() {
        return unused.size() + used.size();
    }

    /** Segments dropped out of the window (never or not fully used). */
    long dropped() {
        return dropped;
    }

    /** Segments handed out, counting each use. */
    long served() {
        return served;
    }
}
