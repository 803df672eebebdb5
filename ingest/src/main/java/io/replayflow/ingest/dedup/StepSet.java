package io.replayflow.ingest.dedup;

import java.util.Arrays;

/**
 * The steps of one episode seen so far, stored compactly: every step below {@code prefix} has been
 * seen, plus a sorted list of the steps above it that arrived early. Steps normally arrive in order
 * (an episode stays in one Kafka partition), so {@code above} stays empty and the set costs one
 * long however long the episode is.
 *
 * <p>Cost: {@link #add} is O(1) for in-order steps, O(k) for an out-of-order one with k steps
 * waiting above the prefix. A Flink POJO (public fields) so it checkpoints without Kryo and can
 * evolve. Not thread-safe; owned by one keyed-state entry.
 */
public class StepSet {

    private static final long[] NONE = new long[0];

    /** Every step in {@code [0, prefix)} has been seen. */
    public long prefix;

    /** Steps above {@code prefix} that have been seen, ascending; never contains {@code prefix}. */
    public long[] above = NONE;

    public StepSet() {}

    /**
     * Adds {@code step} (at least 0).
     *
     * @return false if it was already there: the record is a duplicate
     */
    public boolean add(long step) {
        if (step < prefix) {
            return false;
        }
        long[] waiting = above == null ? NONE : above;
        if (step == prefix) {
            prefix++;
            int absorbed = 0;
            while (absorbed < waiting.length && waiting[absorbed] == prefix) {
                prefix++;
                absorbed++;
            }
            above = absorbed == 0 ? waiting : Arrays.copyOfRange(waiting, absorbed, waiting.length);
            return true;
        }
        int at = Arrays.binarySearch(waiting, step);
        if (at >= 0) {
            return false;
        }
        int insert = -at - 1;
        long[] grown = new long[waiting.length + 1];
        System.arraycopy(waiting, 0, grown, 0, insert);
        grown[insert] = step;
        System.arraycopy(waiting, insert, grown, insert + 1, waiting.length - insert);
        above = grown;
        return true;
    }

    /** Whether every step in {@code [0, count)} has been seen. */
    public boolean hasAllBelow(long count) {
        return prefix >= count;
    }

    /** How many distinct steps have been seen. */
    public long size() {
        return prefix + (above == null ? 0 : above.length);
    }
}
