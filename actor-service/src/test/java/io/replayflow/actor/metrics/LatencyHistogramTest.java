package io.replayflow.actor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LatencyHistogramTest {

    private static final double[] BOUNDS = {0.001, 0.002, 0.005, Double.POSITIVE_INFINITY};

    @Test
    void quantilesInterpolateWithinTheirBucket() {
        // 10 observations in (0, 1 ms], 30 in (1, 2 ms], 60 in (2, 5 ms]: 100 in all.
        LatencyHistogram h = new LatencyHistogram(BOUNDS, new long[] {10, 30, 60, 0});
        // p50: rank 50, 40 below the third bucket -> 2 ms + 3 ms * (50 - 40) / 60 = 2.5 ms.
        assertThat(h.quantile(0.5)).isCloseTo(0.0025, within(1e-12));
        // p05: rank 5 in the first bucket, which starts at 0 -> 1 ms * 5 / 10 = 0.5 ms.
        assertThat(h.quantile(0.05)).isCloseTo(0.0005, within(1e-12));
        // p99: rank 99 -> 2 ms + 3 ms * 59 / 60 = 4.95 ms.
        assertThat(h.quantile(0.99)).isCloseTo(0.00495, within(1e-12));
    }

    @Test
    void aQuantileInTheOpenBucketIsTheLastFiniteBound() {
        LatencyHistogram h = new LatencyHistogram(BOUNDS, new long[] {1, 0, 0, 9});
        assertThat(h.quantile(0.5)).isEqualTo(0.005);
    }

    @Test
    void theDifferenceOfTwoSnapshotsHoldsTheObservationsBetweenThem() {
        LatencyHistogram before = new LatencyHistogram(BOUNDS, new long[] {10, 0, 0, 0});
        LatencyHistogram after = new LatencyHistogram(BOUNDS, new long[] {10, 4, 0, 0});
        LatencyHistogram between = after.minus(before);
        assertThat(between.total()).isEqualTo(4);
        assertThat(between.quantile(0.5)).isCloseTo(0.0015, within(1e-12));
        assertThat(new LatencyHistogram(BOUNDS, new long[4]).quantile(0.5)).isNaN();
    }

    @Test
    void refusesMismatchedBucketsAndQuantilesOutsideZeroToOne() {
        assertThatThrownBy(() -> new LatencyHistogram(BOUNDS, new long[3]))
                .hasMessageContaining("one count per bucket; got 4 bounds and 3 counts");
        LatencyHistogram h = new LatencyHistogram(BOUNDS, new long[4]);
        assertThatThrownBy(() -> h.quantile(1.0)).hasMessageContaining("(0, 1); got 1.0");
        assertThatThrownBy(() -> h.minus(new LatencyHistogram(new double[] {1}, new long[1])))
                .hasMessageContaining("different buckets");
    }
}
