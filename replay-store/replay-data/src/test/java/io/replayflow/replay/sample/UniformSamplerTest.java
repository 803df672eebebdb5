package io.replayflow.replay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UniformSamplerTest {

    @Test
    void frequenciesAreUniformOverLiveRows() {
        // 120 rows appended, the first 20 expired: 100 live rows, each with P = 0.01. Draws are
        // independent, so the counts of 1M draws are multinomial with 99 degrees of freedom: a
        // correct sampler exceeds 180.8 with probability 1e-6 (scipy chi2.isf(1e-6, 99)). One
        // live row never drawn would alone add 10,000.
        UniformSampler sampler = Sampler.uniform(new SplittableRandom(3));
        sampler.append(120);
        sampler.retainFrom(20);
        SampleBatch batch = new SampleBatch(250);
        long[] counts = new long[100];
        for (int round = 0; round < 4_000; round++) {
            sampler.sample(batch);
            for (int row : batch.rowIds()) {
                assertThat(row).isBetween(20, 119);
                counts[row - 20]++;
            }
        }
        double[] uniform = new double[100];
        Arrays.fill(uniform, 0.01);
        assertThat(ChiSquare.statistic(counts, uniform)).isLessThan(180.8);
        assertThat(batch.weights()).containsOnly(1.0f);
        assertThat(batch.probabilities()).containsOnly(0.01);
    }

    @Test
    void prioritiesAreValidatedAndIgnored() {
        UniformSampler sampler = Sampler.uniform(new SplittableRandom(3));
        sampler.append(2);
        sampler.remove(1, 2);
        assertThat(sampler.update(0, 5.0)).isTrue();
        assertThat(sampler.update(1, 5.0)).isFalse();
        assertThat(sampler.update(new int[] {0, 1}, new double[] {1.0, 2.0}, 2)).isEqualTo(1);
        assertThatThrownBy(() -> sampler.update(0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("priority for row 0 is NaN");
        assertThatThrownBy(() -> sampler.remove(1, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot remove rows [1, 3): need 0 <= fromRow <= toRow <= 2");
    }
}
