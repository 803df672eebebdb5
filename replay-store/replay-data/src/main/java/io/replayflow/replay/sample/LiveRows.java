package io.replayflow.replay.sample;

import java.util.Arrays;

/**
 * The live row ids of one sampler, kept as sorted, disjoint, non-empty ranges {@code [start, end)}.
 * Row ids are handed out by {@link #append} from 0 upwards and never reused; {@link #remove} takes
 * any range of them out for good.
 *
 * <p>Cost, with r the number of live ranges (1 while rows only leave as a prefix; each removal from
 * the middle adds at most one): {@link #count}, {@link #end}, {@link #first} O(1); {@link #append}
 * O(1) amortized; {@link #contains}, {@link #select}, {@link #nextAtOrAfter} O(log r); {@link
 * #remove} O(r). Not thread-safe; owned by the sampler that holds it.
 */
final class LiveRows {

    private int[] starts = new int[4];
    private int[] ends = new int[4];

    /** {@code before[i]}: live rows in ranges {@code 0..i-1}, for {@link #select}. */
    private int[] before = new int[4];

    private int ranges;
    private int count;
    private int end;

    /** Number of live rows. */
    int count() {
        return count;
    }

    /** One past the last row id ever appended; the id the next append starts at. */
    int end() {
        return end;
    }

    /** Smallest live row id, or {@link #end()} when no row is live. */
    int first() {
        return ranges == 0 ? end : starts[0];
    }

    /** Makes rows {@code [end(), end() + n)} live and returns the first of them. */
    int append(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot append " + n + " rows; count must be >= 0");
        }
        if ((long) end + n > Integer.MAX_VALUE) {
            throw new IllegalStateException(
                    "row ids are exhausted: " + end + " + " + n + " exceeds " + Integer.MAX_VALUE);
        }
        int first = end;
        if (n == 0) {
            return first;
        }
        if (ranges > 0 && ends[ranges - 1] == end) {
            ends[ranges - 1] += n;
        } else {
            ensureRoom(ranges + 1);
            starts[ranges] = end;
            ends[ranges] = end + n;
            before[ranges] = count;
            ranges++;
        }
        count += n;
        end += n;
        return first;
    }

    /**
     * Removes the live rows in {@code [from, to)}; rows already removed are skipped. The caller has
     * checked {@code 0 <= from <= to <= end()}. Returns how many rows were live and now are not.
     */
    int remove(int from, int to) {
        if (from >= to) {
            return 0;
        }
        int lo = lastStartAtOrBelow(from);
        if (lo < 0 || ends[lo] <= from) {
            lo++;
        }
        int hi = lastStartAtOrBelow(to - 1) + 1;
        if (lo >= hi) {
            return 0;
        }
        int removed = 0;
        for (int i = lo; i < hi; i++) {
            removed += Math.min(ends[i], to) - Math.max(starts[i], from);
        }
        int leftStart = starts[lo];
        int rightEnd = ends[hi - 1];
        int pieces = (leftStart < from ? 1 : 0) + (rightEnd > to ? 1 : 0);
        replace(lo, hi, pieces);
        int at = lo;
        if (leftStart < from) {
            starts[at] = leftStart;
            ends[at++] = from;
        }
        if (rightEnd > to) {
            starts[at] = to;
            ends[at] = rightEnd;
        }
        count -= removed;
        recountFrom(lo);
        return removed;
    }

    /** Whether {@code row} is live. */
    boolean contains(int row) {
        int i = lastStartAtOrBelow(row);
        return i >= 0 && row < ends[i];
    }

    /** The {@code k}-th smallest live row, for {@code 0 <= k < count()}. */
    int select(int k) {
        int lo = 0;
        int hi = ranges - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (before[mid] <= k) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return starts[lo] + (k - before[lo]);
    }

    /** Smallest live row {@code >= row}, or -1 when there is none. */
    int nextAtOrAfter(int row) {
        int i = lastStartAtOrBelow(row);
        if (i >= 0 && row < ends[i]) {
            return row;
        }
        return i + 1 < ranges ? starts[i + 1] : -1;
    }

    /** Index of the last range starting at or below {@code row}, or -1. */
    private int lastStartAtOrBelow(int row) {
        int lo = 0;
        int hi = ranges - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= row) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Replaces ranges {@code [lo, hi)} by {@code pieces} slots, shifting the tail. */
    private void replace(int lo, int hi, int pieces) {
        int tail = ranges - hi;
        ensureRoom(lo + pieces + tail);
        System.arraycopy(starts, hi, starts, lo + pieces, tail);
        System.arraycopy(ends, hi, ends, lo + pieces, tail);
        ranges = lo + pieces + tail;
    }

    private void recountFrom(int index) {
        int live = index == 0 ? 0 : before[index - 1] + ends[index - 1] - starts[index - 1];
        for (int i = index; i < ranges; i++) {
            before[i] = live;
            live += ends[i] - starts[i];
        }
    }

    private void ensureRoom(int size) {
        if (size > starts.length) {
            int grown = Math.max(size, 2 * starts.length);
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
            before = Arrays.copyOf(before, grown);
        }
    }
}
