package io.replayflow.replay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SumTreeTest {

    @Test
    void capacityRoundsUpToAPowerOfTwo() {
        assertThat(new SumTree(1).capacity()).isEqualTo(1);
        assertThat(new SumTree(5).capacity()).isEqualTo(8);
        assertThat(new SumTree(1024).capacity()).isEqualTo(1024);
        assertThatThrownBy(() -> new SumTree(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity 0 is outside [1, ");
    }

    @Test
    void findMatchesALinearScanOnExactIntegerPriorities() {
        // Integer priorities keep every sum exact, so tree and scan must agree on every prefix,
        // boundaries included. A third of the leaves are 0 and must never be returned.
        SplittableRandom rng = new SplittableRandom(11);
        double[] p = new double[1000];
        SumTree tree = new SumTree(p.length);
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextInt(3) == 0 ? 0 : rng.nextInt(1, 21);
            tree.set(i, p[i]);
        }
        for (int k = 0; k < 100_000; k++) {
            double prefix = rng.nextDouble() * tree.total();
            assertThat(tree.find(prefix)).isEqualTo(linearFind(p, prefix));
        }
        double cumulative = 0;
        for (int i = 0; i < p.length - 1; i++) {
            cumulative += p[i];
            if (cumulative < tree.total()) {
                assertThat(tree.find(cumulative)).isEqualTo(linearFind(p, cumulative));
            }
        }
    }

    @Test
    void findMatchesALinearScanOnRandomDoubles() {
        // Tree and scan add in different orders, so their partial sums may differ in the last
        // bits; prefixes within 1e-9 of a leaf boundary are skipped.
        SplittableRandom rng = new SplittableRandom(12);
        double[] p = new double[777];
        SumTree tree = new SumTree(p.length);
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextInt(5) == 0 ? 0 : rng.nextDouble() * 10;
            tree.set(i, p[i]);
        }
        for (int k = 0; k < 100_000; k++) {
            double prefix = rng.nextDouble() * tree.total();
            if (!nearBoundary(p, prefix, 1e-9)) {
                assertThat(tree.find(prefix)).isEqualTo(linearFind(p, prefix));
            }
        }
    }

    @Test
    void findNeverReturnsAZeroLeafAtTheTopOfTheRange() {
        SumTree tree = new SumTree(8);
        tree.set(1, 0.1);
        tree.set(2, 0.2);
        assertThat(tree.find(tree.total())).isEqualTo(2);
        assertThat(tree.find(Math.nextDown(tree.total()))).isEqualTo(2);
        assertThat(tree.find(0.0)).isEqualTo(1);
    }

    @Test
    void updateAfterSampleChangesWhatIsFound() {
        SplittableRandom rng = new SplittableRandom(13);
        SumTree tree = new SumTree(16);
        for (int i = 0; i < 16; i++) {
            tree.set(i, 1.0);
        }
        int[] out = new int[64];
        tree.sampleStratified(rng, out, out.length);
        int dropped = out[0];
        tree.set(dropped, 0.0);
        tree.set(3 == dropped ? 4 : 3, 1e6);
        for (int round = 0; round < 100; round++) {
            tree.sampleStratified(rng, out, out.length);
            assertThat(out).doesNotContain(dropped);
        }
        assertThat(tree.total()).isEqualTo(14 + 1e6);
    }

    @Test
    void singleLeafTree() {
        SumTree tree = new SumTree(1);
        tree.set(0, 2.5);
        assertThat(tree.total()).isEqualTo(2.5);
        assertThat(tree.find(0.0)).isZero();
        assertThat(tree.find(2.5)).isZero();
        int[] out = new int[3];
        tree.sampleStratified(new SplittableRandom(1), out, 3);
        assertThat(out).containsOnly(0);
    }

    @Test
    void allZeroTreeRefusesToSample() {
        SumTree tree = new SumTree(4);
        tree.set(2, 3.0);
        tree.set(2, 0.0);
        assertThat(tree.total()).isZero();
        assertThatThrownBy(() -> tree.find(0.0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 4 priorities are 0");
        assertThatThrownBy(() -> tree.sampleStratified(new SplittableRandom(1), new int[1], 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 4 priorities are 0");
    }

    @Test
    void rejectsBadPrioritiesNamingIndexAndValue() {
        SumTree tree = new SumTree(8);
        assertThatThrownBy(() -> tree.set(3, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("priority at index 3 is NaN; priorities must be finite and >= 0");
        assertThatThrownBy(() -> tree.set(4, -1.0))
                .hasMessageContaining("priority at index 4 is -1.0");
        assertThatThrownBy(() -> tree.set(5, Double.POSITIVE_INFINITY))
                .hasMessageContaining("priority at index 5 is Infinity");
        assertThatThrownBy(() -> tree.set(8, 1.0))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 8 is outside [0, 8)");
        tree.set(0, 1.0);
        assertThatThrownBy(() -> tree.find(-0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefixSum -0.5 is outside");
        assertThatThrownBy(() -> tree.find(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefixSum 1.5 is outside [0, total = 1.0]");
    }

    @Test
    void fillGrowAndShiftKeepSumsConsistent() {
        SumTree tree = new SumTree(8);
        tree.fill(2, 7, 1.5);
        assertThat(tree.total()).isEqualTo(7.5);
        tree.ensureCapacity(20);
        assertThat(tree.capacity()).isEqualTo(32);
        assertThat(tree.get(6)).isEqualTo(1.5);
        assertThat(tree.total()).isEqualTo(7.5);
        tree.set(31, 2.0);
        tree.shiftDown(5);
        assertThat(tree.get(0)).isEqualTo(1.5);
        assertThat(tree.get(1)).isEqualTo(1.5);
        assertThat(tree.get(2)).isZero();
        assertThat(tree.get(26)).isEqualTo(2.0);
        assertThat(tree.get(31)).isZero();
        assertThat(tree.total()).isEqualTo(5.0);
        assertThat(tree.find(4.0)).isEqualTo(26);
    }

    @Test
    void totalStaysExactAfterTenMillionUpdates() {
        // Updates recompute ancestors from their children, so no rounding accumulates: after 10M
        // updates the tree must equal, bit for bit, a tree built fresh from the same leaves, and
        // its total must be within 1e-9 (relative) of the exact sum of the leaves. The mix
        // includes rare 1e12 spikes later replaced by small values: the cancellation that makes a
        // delta-updated tree drift.
        SplittableRandom rng = new SplittableRandom(14);
        int n = 1024;
        SumTree tree = new SumTree(n);
        for (int update = 0; update < 10_000_000; update++) {
            double priority = rng.nextInt(1000) == 0 ? 1e12 : rng.nextDouble();
            tree.set(rng.nextInt(n), priority);
        }
        SumTree fresh = new SumTree(n);
        BigDecimal exact = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            fresh.set(i, tree.get(i));
            exact = exact.add(new BigDecimal(tree.get(i)));
        }
        assertThat(tree.total()).isEqualTo(fresh.total());
        assertThat(tree.total()).isCloseTo(exact.doubleValue(), within(1e-9 * exact.doubleValue()));
    }

    private static int linearFind(double[] p, double prefix) {
        double cumulative = 0;
        for (int i = 0; i < p.length; i++) {
            cumulative += p[i];
            if (prefix < cumulative) {
                return i;
            }
        }
        throw new AssertionError("prefix " + prefix + " beyond the total " + cumulative);
    }

    private static boolean nearBoundary(double[] p, double prefix, double tolerance) {
        double cumulative = 0;
        for (double v : p) {
            cumulative += v;
            if (Math.abs(prefix - cumulative) < tolerance) {
                return true;
            }
        }
        return false;
    }
}
