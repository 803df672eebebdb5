package io.replayflow.replay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LiveRowsTest {

    @Test
    void prefixExpiryKeepsOneRange() {
        LiveRows rows = new LiveRows();
        assertThat(rows.append(10)).isZero();
        assertThat(rows.append(5)).isEqualTo(10);
        assertThat(rows.remove(0, 4)).isEqualTo(4);
        assertThat(rows.count()).isEqualTo(11);
        assertThat(rows.first()).isEqualTo(4);
        assertThat(rows.select(0)).isEqualTo(4);
        assertThat(rows.select(10)).isEqualTo(14);
        assertThat(rows.remove(0, 4)).isZero();
    }

    @Test
    void removingFromTheMiddleSplitsARange() {
        LiveRows rows = new LiveRows();
        rows.append(10);
        assertThat(rows.remove(3, 6)).isEqualTo(3);
        assertThat(rows.contains(2)).isTrue();
        assertThat(rows.contains(3)).isFalse();
        assertThat(rows.contains(6)).isTrue();
        assertThat(rows.select(3)).isEqualTo(6);
        assertThat(rows.nextAtOrAfter(4)).isEqualTo(6);
        assertThat(rows.nextAtOrAfter(10)).isEqualTo(-1);
        rows.append(2);
        assertThat(rows.select(8)).isEqualTo(11);
    }

    @Test
    void emptyAfterRemovingEverything() {
        LiveRows rows = new LiveRows();
        rows.append(4);
        rows.remove(0, 4);
        assertThat(rows.count()).isZero();
        assertThat(rows.first()).isEqualTo(4);
        assertThat(rows.nextAtOrAfter(0)).isEqualTo(-1);
        assertThat(rows.append(1)).isEqualTo(4);
        assertThat(rows.first()).isEqualTo(4);
    }

    @Test
    void agreesWithABitSetUnderRandomOperations() {
        SplittableRandom rng = new SplittableRandom(21);
        LiveRows rows = new LiveRows();
        BitSet model = new BitSet();
        for (int op = 0; op < 5_000; op++) {
            if (rng.nextInt(3) > 0 || rows.end() == 0) {
                int n = rng.nextInt(20);
                model.set(rows.end(), rows.end() + n);
                rows.append(n);
            } else {
                int from = rng.nextInt(rows.end());
                int to = from + rng.nextInt(rows.end() - from + 1);
                int expected = model.get(from, to).cardinality();
                model.clear(from, to);
                assertThat(rows.remove(from, to)).isEqualTo(expected);
            }
            assertThat(rows.count()).isEqualTo(model.cardinality());
            int probe = rows.end() == 0 ? 0 : rng.nextInt(rows.end());
            assertThat(rows.contains(probe)).isEqualTo(model.get(probe));
            int next = model.nextSetBit(probe);
            assertThat(rows.nextAtOrAfter(probe)).isEqualTo(next);
            if (model.cardinality() > 0) {
                int k = rng.nextInt(model.cardinality());
                assertThat(rows.select(k)).isEqualTo(kthSetBit(model, k));
                assertThat(rows.first()).isEqualTo(model.nextSetBit(0));
            }
        }
    }

    private static int kthSetBit(BitSet bits, int k) {
        int bit = bits.nextSetBit(0);
        for (int i = 0; i < k; i++) {
            bit = bits.nextSetBit(bit + 1);
        }
        return bit;
    }
}
