package io.replayflow.replay.sample;

import java.util.Arrays;

/**
 * A binary min tree: the same implicit layout as {@link SumTree} (node 1 is the root, leaf {@code
 * i} is node {@code capacity + i}) with {@code min} in place of {@code +}. Empty leaves hold {@code
 * +Infinity}. {@link PrioritizedSampler} keeps one beside its sum tree to read the smallest
 * sampleable priority, which normalizes importance weights.
 *
 * <p>Cost: {@link #min} O(1); {@link #set} O(log n); {@link #fill} of k leaves O(k + log n); {@link
 * #ensureCapacity} and {@link #shiftDown} O(n). Min is exact, so there is no rounding to track. Not
 * thread-safe; owned by one thread.
 */
final class MinTree {

    private static final double EMPTY = Double.POSITIVE_INFINITY;

    private int capacity;
    private double[] nodes;

    /** Creates a tree with {@code capacity} empty leaves; capacity must be a power of two. */
    MinTree(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
        }
        this.capacity = capacity;
        this.nodes = new double[2 * capacity];
        Arrays.fill(nodes, EMPTY);
    }

    int capacity() {
        return capacity;
    }

    /** Smallest leaf, or {@code +Infinity} when all leaves are empty. */
    double min() {
        return nodes[1];
    }

    void set(int index, double value) {
        int node = capacity + index;
        nodes[node] = value;
        for (node >>>= 1; node >= 1; node >>>= 1) {
            nodes[node] = Math.min(nodes[2 * node], nodes[2 * node + 1]);
        }
    }

    void fill(int fromIndex, int toIndex, double value) {
        if (fromIndex >= toIndex) {
            return;
        }
        Arrays.fill(nodes, capacity + fromIndex, capacity + toIndex, value);
        int lo = (capacity + fromIndex) >>> 1;
        int hi = (capacity + toIndex - 1) >>> 1;
        for (; lo >= 1; lo >>>= 1, hi >>>= 1) {
            for (int node = lo; node <= hi; node++) {
                nodes[node] = Math.min(nodes[2 * node], nodes[2 * node + 1]);
            }
        }
    }

    /** Doubles the leaf count until it is at least {@code minCapacity}; keeps leaf indices. */
    void ensureCapacity(int minCapacity) {
        if (minCapacity <= capacity) {
            return;
        }
        int grown = capacity;
        while (grown < minCapacity) {
            grown *= 2;
        }
        double[] bigger = new double[2 * grown];
        Arrays.fill(bigger, EMPTY);
        System.arraycopy(nodes, capacity, bigger, grown, capacity);
        capacity = grown;
        nodes = bigger;
        rebuild();
    }

    /**
     * Moves leaf {@code i >= offset} to {@code i - offset}; the top {@code offset} leaves empty.
     */
    void shiftDown(int offset) {
        System.arraycopy(nodes, capacity + offset, nodes, capacity, capacity - offset);
        Arrays.fill(nodes, 2 * capacity - offset, 2 * capacity, EMPTY);
        rebuild();
    }

    private void rebuild() {
        for (int node = capacity - 1; node >= 1; node--) {
            nodes[node] = Math.min(nodes[2 * node], nodes[2 * node + 1]);
        }
    }
}
