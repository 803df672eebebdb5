package io.replayflow.replay.sample;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A binary sum tree over non-negative priorities: set a leaf, read the total, and find the leaf
 * that owns a given prefix of the total, each in O(log n) or better.
 *
 * <h2>Layout</h2>
 *
 * An implicit complete binary tree in one {@code double[]}: node 1 is the root, node {@code k} has
 * children {@code 2k} and {@code 2k + 1}, and leaf {@code i} is node {@code capacity + i}. The
 * capacity is a power of two; unused leaves hold 0.
 *
 * <h2>Cost</h2>
 *
 * <ul>
 *   <li>{@link #get}, {@link #total}: O(1).
 *   <li>{@link #set}: O(log n).
 *   <li>{@link #fill} of k leaves: O(k + log n).
 *   <li>{@link #find}: O(log n); {@link #sampleStratified} of k leaves: O(k log n).
 *   <li>{@link #ensureCapacity}, {@link #shiftDown}: O(n), for growth and compaction only.
 * </ul>
 *
 * <h2>Rounding</h2>
 *
 * Updates recompute each ancestor from its two children ({@code parent = left + right}) instead of
 * adding a delta. Every internal node therefore always holds exactly the value a full rebuild from
 * the current leaves would give it: rounding error does not accumulate across updates, so the tree
 * never needs a drift-triggered rebuild. {@link #total()} carries only the error of pairwise
 * summation, a relative error of at most {@code log2(capacity) * 2^-53} (under 1e-14 at the largest
 * capacity) against the exact sum of the leaves. Two consequences matter for sampling: a node whose
 * leaves are all 0 is exactly 0, and a positive node always has a positive child, so {@link #find}
 * can never land on a zero-priority leaf. A delta-updated tree loses both (a subtree emptied by
 * deltas can keep a tiny positive residue), which a rebuild bound relative to the total does not
 * catch. The cost is the same: one read per level, of the sibling stored next to the path node.
 *
 * <h2>Threads</h2>
 *
 * Not thread-safe; owned by one thread.
 */
public final class SumTree {

    /** Largest supported number of leaves (the node array then has 2^30 entries). */
    public static final int MAX_CAPACITY = 1 << 29;

    private int capacity;
    private double[] nodes;

    /** Creates a tree of zeros with room for at least {@code minCapacity} leaves. O(n). */
    public SumTree(int minCapacity) {
        capacity = capacityFor(minCapacity);
        nodes = new double[2 * capacity];
    }

    /** Number of leaves; a power of two. */
    public int capacity() {
        return capacity;
    }

    /** Priority of leaf {@code index}. O(1). */
    public double get(int index) {
        checkIndex(index);
        return nodes[capacity + index];
    }

    /** Sum of all leaves. O(1). */
    public double total() {
        return nodes[1];
    }

    /**
     * Sets leaf {@code index} to {@code priority}. O(log n).
     *
     * @throws IllegalArgumentException if the index is out of range or the priority is NaN,
     *     negative or infinite
     */
    public void set(int index, double priority) {
        checkIndex(index);
        checkPriority(index, priority);
        int node = capacity + index;
        nodes[node] = priority;
        for (node >>>= 1; node >= 1; node >>>= 1) {
            nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
        }
    }

    /**
     * Sets leaves {@code [fromIndex, toIndex)} to {@code priority}. O(k + log n) for k leaves, so
     * clearing a whole range is cheaper than k calls to {@link #set}.
     */
    public void fill(int fromIndex, int toIndex, double priority) {
        if (fromIndex < 0 || fromIndex > toIndex || toIndex > capacity) {
            throw new IndexOutOfBoundsException(
                    "range [" + fromIndex + ", " + toIndex + ") is outside [0, " + capacity + ")");
        }
        checkPriority(fromIndex, priority);
        if (fromIndex == toIndex) {
            return;
        }
        Arrays.fill(nodes, capacity + fromIndex, capacity + toIndex, priority);
        int lo = (capacity + fromIndex) >>> 1;
        int hi = (capacity + toIndex - 1) >>> 1;
        for (; lo >= 1; lo >>>= 1, hi >>>= 1) {
            for (int node = lo; node <= hi; node++) {
                nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
            }
        }
    }

    /**
     * Returns the leaf that owns {@code prefixSum}: the smallest index {@code i} with {@code
     * prefixSum < p[0] + ... + p[i]}. Zero-priority leaves own nothing and are never returned; a
     * {@code prefixSum} equal to the total returns the last positive leaf. O(log n).
     *
     * @throws IllegalArgumentException if {@code prefixSum} is NaN or outside {@code [0, total()]}
     * @throws IllegalStateException if every leaf is 0
     */
    public int find(double prefixSum) {
        checkSampleable();
        if (!(prefixSum >= 0 && prefixSum <= total())) {
            throw new IllegalArgumentException(
                    "prefixSum " + prefixSum + " is outside [0, total = " + total() + "]");
        }
        return descend(prefixSum);
    }

    /**
     * Draws {@code count} leaves by stratified sampling: the total is cut into {@code count} equal
     * segments and leaf {@code out[j]} is found at a uniform point of segment {@code j}. Each draw
     * returns leaf {@code i} with marginal probability {@code p[i] / total()}, with less variance
     * across the batch than independent draws. O(count log n); allocates nothing.
     *
     * @throws IllegalStateException if every leaf is 0
     */
    public void sampleStratified(RandomGenerator rng, int[] out, int count) {
        checkSampleable();
        if (count < 0 || count > out.length) {
            throw new IllegalArgumentException(
                    "count " + count + " is outside [0, " + out.length + "] (the output length)");
        }
        double segment = total() / count;
        for (int j = 0; j < count; j++) {
            out[j] = descend((j + rng.nextDouble()) * segment);
        }
    }

    /** Grows the tree by doubling until it has at least {@code minCapacity} leaves. O(n). */
    public void ensureCapacity(int minCapacity) {
        if (minCapacity <= capacity) {
            return;
        }
        int grown = capacity;
        while (grown < minCapacity) {
            grown *= 2;
        }
        if (grown > MAX_CAPACITY) {
            throw new IllegalStateException(
                    "cannot grow to " + minCapacity + " leaves; the maximum is " + MAX_CAPACITY);
        }
        double[] bigger = new double[2 * grown];
        System.arraycopy(nodes, capacity, bigger, grown, capacity);
        capacity = grown;
        nodes = bigger;
        rebuild();
    }

    /**
     * Moves every leaf {@code i >= offset} to {@code i - offset} and sets the top {@code offset}
     * leaves to 0; used to compact away a dead prefix. O(n).
     */
    public void shiftDown(int offset) {
        if (offset < 0 || offset > capacity) {
            throw new IllegalArgumentException(
                    "offset " + offset + " is outside [0, " + capacity + "]");
        }
        System.arraycopy(nodes, capacity + offset, nodes, capacity, capacity - offset);
        Arrays.fill(nodes, 2 * capacity - offset, 2 * capacity, 0.0);
        rebuild();
    }

    private int descend(double prefixSum) {
        double rest = prefixSum;
        int node = 1;
        while (node < capacity) {
            int left = 2 * node;
            double leftSum = nodes[left];
            // Go right only when it has weight: rounding can push `rest` past a zero right child.
            if (rest < leftSum || nodes[left + 1] <= 0.0) {
                node = left;
            } else {
                rest -= leftSum;
                node = left + 1;
            }
        }
        return node - capacity;
    }

    private void rebuild() {
        for (int node = capacity - 1; node >= 1; node--) {
            nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
        }
    }

    private void checkSampleable() {
        if (total() <= 0.0) {
            throw new IllegalStateException(
                    "cannot sample: all "
                            + capacity
                            + " priorities are 0; set a positive one first");
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= capacity) {
            throw new IndexOutOfBoundsException(
                    "index " + index + " is outside [0, " + capacity + ")");
        }
    }

    private static void checkPriority(int index, double priority) {
        if (!(priority >= 0.0) || priority == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "priority at index "
                            + index
                            + " is "
                            + priority
                            + "; priorities must be finite and >= 0");
        }
    }

    private static int capacityFor(int minCapacity) {
        if (minCapacity < 1 || minCapacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "capacity " + minCapacity + " is outside [1, " + MAX_CAPACITY + "]");
        }
        return minCapacity == 1 ? 1 : Integer.highestOneBit(minCapacity - 1) << 1;
    }
}
