package io.replayflow.actor.metrics;

/**
 * The returns of the last {@code capacity} finished episodes, for a "recent mean return" gauge.
 *
 * <p>Thread-safe (synchronized; called once per finished episode). O(1) per episode (amortised),
 * O(1) mean.
 */
public final class RecentReturns {
    private final double[] window;
    private int next;
    private int size;
    private double sum;

    public RecentReturns(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1; got " + capacity);
        }
        this.window = new double[capacity];
    }

    public synchronized void add(double episodeReturn) {
        if (size == window.length) {
            sum -= window[next];
        } else {
            size++;
        }
        window[next] = episodeReturn;
        sum += episodeReturn;
        next = (next + 1) % window.length;
        if (next == 0) {
            // Once per lap, recompute instead of trusting a long-running sum (rounding drift).
            sum = 0;
            for (int i = 0; i < size; i++) {
                sum += window[i];
            }
        }
    }

    /** Mean of the returns in the window; NaN before the first episode ends. */
    public synchronized double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        return sum / size;
    }

    public synchronized int size() {
        return size;
    }
}
