package io.replayflow.actor.metrics;

import java.util.Arrays;

/**
 * The counts of a classic Prometheus histogram at one moment, per bucket (not cumulative), with the
 * quantile estimate Prometheus's {@code histogram_quantile} makes: linear within the bucket that
 * holds the quantile, the first bucket starting at 0, and the last finite bound when the quantile
 * falls in the {@code +Inf} bucket. Two snapshots subtract ({@link #minus}) to give the
 * observations between them.
 *
 * @param upperBounds each bucket's upper bound, increasing, the last {@code +Inf}
 * @param counts observations per bucket
 */
public record LatencyHistogram(double[] upperBounds, long[] counts) {

    public LatencyHistogram {
        if (upperBounds.length != counts.length || upperBounds.length == 0) {
            throw new IllegalArgumentException(
                    "a histogram needs one count per bucket; got "
                            + upperBounds.length
                            + " bounds and "
                            + counts.length
                            + " counts");
        }
        upperBounds = upperBounds.clone();
        counts = counts.clone();
    }

    /** Observations in all buckets. */
    public long total() {
        return Arrays.stream(counts).sum();
    }

    /** The observations made after {@code earlier} was taken (same buckets). */
    public LatencyHistogram minus(LatencyHistogram earlier) {
        if (!Arrays.equals(upperBounds, earlier.upperBounds)) {
            throw new IllegalArgumentException("histograms with different buckets");
        }
        long[] diff = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            diff[i] = counts[i] - earlier.counts[i];
        }
        return new LatencyHistogram(upperBounds, diff);
    }

    /** The {@code q} quantile (0 < q < 1) as histogram_quantile estimates it; NaN when empty. */
    public double quantile(double q) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1); got " + q);
        }
        long total = total();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            if (below + counts[i] >= rank && counts[i] > 0) {
                if (Double.isInfinite(upperBounds[i])) {
                    return i == 0 ? Double.NaN : upperBounds[i - 1];
                }
                double lower = i == 0 ? 0 : upperBounds[i - 1];
                return lower + (upperBounds[i] - lower) * (rank - below) / counts[i];
            }
            below += counts[i];
        }
        return upperBounds[upperBounds.length - 1];
    }
}
