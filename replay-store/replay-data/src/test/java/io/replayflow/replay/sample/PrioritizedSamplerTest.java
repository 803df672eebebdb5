package io.replayflow.replay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.replay.read.SamplerSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PrioritizedSamplerTest {

    private static final int DRAWS = 1_000_000;

    @Test
    void independentDrawsFollowPriorityToTheAlpha() {
        // Rows with priorities 1..10 and alpha 0.6: P(i) = p_i^0.6 / sum_k p_k^0.6, from 0.037 to
        // 0.149. With batch size 1 each draw is independent, so the counts of 1M draws are
        // multinomial and Pearson's statistic is chi-square with 9 degrees of freedom: a correct
        // sampler exceeds 44.8 with probability 1e-6 (scipy chi2.isf(1e-6, 9)). The seed is
        // fixed, so the run is deterministic; the bound says a false alarm would be a 1e-6 event
        // for any seed. Power: ignoring alpha (P ~ p) scores about 37,600, alpha 0.5 about 3,400.
        double[] expected = alphaProbabilities(10, 0.6);
        long[] counts = drawCounts(10, 0.6, 1);
        assertThat(ChiSquare.statistic(counts, expected)).isLessThan(44.8);
        // Per bucket: |f_i - P_i| < 5 sigma_i, sigma_i = sqrt(P_i (1 - P_i) / N), about 1e-3 at
        // most; each bucket fails with probability 6e-7 under a correct sampler.
        for (int i = 0; i < 10; i++) {
            double sigma = Math.sqrt(expected[i] * (1 - expected[i]) / DRAWS);
            assertThat((double) counts[i] / DRAWS).isCloseTo(expected[i], within(5 * sigma));
        }
    }

    @Test
    void stratifiedBatchesHaveTheSameMarginals() {
        // Batches of 256 are stratified: slot j is drawn from the j-th of 256 equal segments of
        // the total. Each draw's marginal is still P(i), and stratification only lowers the
        // variance of the counts, so the multinomial chi-square bound of 44.8 is conservative.
        long[] counts = drawCounts(10, 0.6, 256);
        assertThat(ChiSquare.statistic(counts, alphaProbabilities(10, 0.6))).isLessThan(44.8);
    }

    @Test
    void importanceWeightsMatchTheFormulaByHand() {
        // Priorities 1, 2, 3, 4 with alpha = 1: the sum is 10, so P = 0.1, 0.2, 0.3, 0.4; N = 4.
        // beta at step 0 is beta0 = 0.5.
        //   (N P)^-beta = 0.4^-0.5, 0.8^-0.5, 1.2^-0.5, 1.6^-0.5 = 1.5811, 1.1180, 0.9129, 0.7906
        //   max_j w_j   = 1.5811 (row 0, the smallest P)
        //   w           = 1.0000, 0.7071, 0.5774, 0.5000   (= sqrt(0.1 / P_i))
        PrioritizedSampler sampler = fourRows(new BetaSchedule(0.5, 100));
        SampleBatch batch = new SampleBatch(64);
        sampler.sample(batch);

        double[] probability = {0.1, 0.2, 0.3, 0.4};
        double[] weight = {1.0, 0.70711, 0.57735, 0.5};
        // Every row spans at least 1 of the total 10 and a segment is 10/64, so all four appear.
        assertThat(batch.rowIds()).contains(0, 1, 2, 3);
        for (int j = 0; j < batch.size(); j++) {
            int row = batch.rowIds()[j];
            assertThat(batch.probabilities()[j]).isCloseTo(probability[row], within(1e-12));
            assertThat((double) batch.weights()[j]).isCloseTo(weight[row], within(1e-5));
        }
    }

    @Test
    void betaAnnealsAcrossSampleCalls() {
        // Four rows as above; row 3 has P_min / P_3 = 0.1 / 0.4 = 0.25, so its weight is
        // 0.25^beta. Schedule 0.4 -> 1 over 2 steps: beta = 0.4, 0.7, 1.0, then stays 1.0.
        //   0.25^0.4 = 0.57435, 0.25^0.7 = 0.37893, 0.25^1 = 0.25
        PrioritizedSampler sampler = fourRows(new BetaSchedule(0.4, 2));
        SampleBatch batch = new SampleBatch(16);
        double[] expected = {0.57435, 0.37893, 0.25, 0.25};
        for (double weight : expected) {
            sampler.sample(batch);
            assertThat((double) weightOf(batch, 3)).isCloseTo(weight, within(1e-5));
        }
    }

    @Test
    void aResumedSamplerContinuesTheBetaScheduleFromTheTrainerStep() {
        // The run above restarted after 2 draws: resumed at step 2, the schedule (0.4 -> 1 over
        // 2 steps) is already at 1, so row 3's weight is 0.25 at once, not 0.25^0.4 again.
        PrioritizedSampler resumed =
                Sampler.prioritized(1.0, new BetaSchedule(0.4, 2), 2, new SplittableRandom(7));
        resumed.append(4);
        resumed.update(new int[] {0, 1, 2, 3}, new double[] {1, 2, 3, 4}, 4);
        assertThat(resumed.betaStep()).isEqualTo(2);
        SampleBatch batch = new SampleBatch(16);
        resumed.sample(batch);
        assertThat((double) weightOf(batch, 3)).isCloseTo(0.25, within(1e-5));
        assertThat(resumed.betaStep()).isEqualTo(3);

        // Resumed at 1 of a 4-step schedule: beta(1) = 0.4 + 0.6 / 4 = 0.55, 0.25^0.55 = 0.46652
        PrioritizedSampler midway =
                new PrioritizedSampler(
                        1.0, new BetaSchedule(0.4, 4), 1, 1.0, 4, new SplittableRandom(7));
        midway.append(4);
        midway.update(new int[] {0, 1, 2, 3}, new double[] {1, 2, 3, 4}, 4);
        assertThat(midway.nextBeta()).isCloseTo(0.55, within(1e-12));
        midway.sample(batch);
        assertThat((double) weightOf(batch, 3)).isCloseTo(0.46652, within(1e-5));
        assertThatThrownBy(
                        () ->
                                new PrioritizedSampler(
                                        1.0,
                                        new BetaSchedule(0.4, 4),
                                        -1,
                                        1.0,
                                        4,
                                        new SplittableRandom(7)))
                .hasMessageContaining("betaStartStep is -1");
        Sampler fromSpec =
                SamplerSpec.prioritized(0.6, new BetaSchedule(0.4, 4), 5)
                        .create(new SplittableRandom(1));
        assertThat(((PrioritizedSampler) fromSpec).betaStep()).isEqualTo(5);
    }

    @Test
    void newRowsEnterAtTheRunningMaxPriority() {
        PrioritizedSampler sampler = sampler(1.0);
        sampler.append(2);
        sampler.update(0, 4.0);
        sampler.update(0, 0.5); // the running max stays 4
        sampler.append(1);
        // Priorities 0.5, 1 (the initial max when row 1 arrived), 4: P(2) = 4 / 5.5.
        SampleBatch batch = new SampleBatch(32);
        sampler.sample(batch);
        assertThat(probabilityOf(batch, 2)).isCloseTo(4 / 5.5, within(1e-12));
        assertThat(probabilityOf(batch, 1)).isCloseTo(1 / 5.5, within(1e-12));
    }

    @Test
    void updateAfterSampleTakesEffectOnTheNextBatch() {
        PrioritizedSampler sampler = sampler(0.6);
        sampler.append(8);
        SampleBatch batch = new SampleBatch(64);
        sampler.sample(batch);
        int silenced = batch.rowIds()[0];
        int boosted = (silenced + 1) % 8;
        sampler.update(silenced, 0.0);
        sampler.update(boosted, 1e6);
        for (int round = 0; round < 50; round++) {
            sampler.sample(batch);
            assertThat(batch.rowIds()).doesNotContain(silenced);
        }
        assertThat(probabilityOf(batch, boosted)).isGreaterThan(0.99);
    }

    @Test
    void aSlidingWindowKeepsMemoryProportionalToTheWindow() {
        // 200k rows pass through a window of 100 live rows: the dead prefix is compacted away, so
        // the trees stay a small power of two above the window instead of growing to 200k.
        PrioritizedSampler sampler =
                new PrioritizedSampler(
                        0.6, new BetaSchedule(0.4, 10), 1.0, 4, new SplittableRandom(5));
        SampleBatch batch = new SampleBatch(8);
        for (int step = 0; step < 200_000; step++) {
            int row = sampler.append(1);
            sampler.update(row, 1.0 + step % 7);
            sampler.retainFrom(Math.max(0, row - 99));
            if (step % 1000 == 0) {
                sampler.sample(batch);
                assertThat(Arrays.stream(batch.rowIds()).boxed())
                        .allMatch(r -> r > row - 100 && r <= row);
            }
        }
        assertThat(sampler.liveRows()).isEqualTo(100);
        assertThat(sampler.slotCapacity()).isLessThanOrEqualTo(512);
    }

    @Test
    void batchUpdateChecksEveryEntryBeforeApplyingAny() {
        PrioritizedSampler sampler = sampler(1.0);
        sampler.append(4);
        sampler.remove(0, 1);
        assertThatThrownBy(
                        () -> sampler.update(new int[] {1, 2}, new double[] {5.0, Double.NaN}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("priority for row 2 is NaN");
        SampleBatch batch = new SampleBatch(16);
        sampler.sample(batch);
        assertThat(probabilityOf(batch, 1)).isCloseTo(1 / 3.0, within(1e-12));

        assertThat(sampler.update(new int[] {0, 1, 2}, new double[] {9.0, 2.0, 1.0}, 3))
                .isEqualTo(2);
        sampler.sample(batch);
        assertThat(probabilityOf(batch, 1)).isCloseTo(2 / 4.0, within(1e-12));
    }

    @Test
    void updatesForRemovedRowsAreIgnoredAndUnknownRowsRejected() {
        PrioritizedSampler sampler = sampler(1.0);
        sampler.append(3);
        sampler.retainFrom(1);
        assertThat(sampler.update(0, 7.0)).isFalse();
        assertThat(sampler.update(1, 7.0)).isTrue();
        assertThatThrownBy(() -> sampler.update(3, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 3 was never appended; row ids so far are [0, 3)");
        assertThatThrownBy(() -> sampler.update(2, -0.5))
                .hasMessageContaining("priority for row 2 is -0.5; priorities must be finite");
    }

    @Test
    void zeroPriorityRowsAreNeverDrawnEvenAtAlphaZero() {
        // alpha = 0 makes every positive priority equal; 0^0 is taken as 0, not 1.
        PrioritizedSampler sampler = sampler(0.0);
        sampler.append(4);
        sampler.update(2, 0.0);
        SampleBatch batch = new SampleBatch(300);
        sampler.sample(batch);
        assertThat(batch.rowIds()).doesNotContain(2).contains(0, 1, 3);
        assertThat(batch.probabilities()).containsOnly(1 / 3.0);
        assertThat(batch.weights()).containsOnly(1.0f);
    }

    @Test
    void allZeroPrioritiesFailClearly() {
        PrioritizedSampler sampler = sampler(0.6);
        sampler.append(2);
        sampler.update(new int[] {0, 1}, new double[] {0.0, 0.0}, 2);
        assertThatThrownBy(() -> sampler.sample(new SampleBatch(4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 2 live rows have priority 0");
    }

    @Test
    void emptySamplerFailsClearly() {
        PrioritizedSampler sampler = sampler(0.6);
        sampler.append(2);
        sampler.retainFrom(2);
        assertThatThrownBy(() -> sampler.sample(new SampleBatch(4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no live rows (appended 2, all removed)");
    }

    @Test
    void rejectsBadSettingsAndOverflowingPriorities() {
        BetaSchedule beta = new BetaSchedule(0.4, 10);
        SplittableRandom rng = new SplittableRandom(1);
        assertThatThrownBy(() -> Sampler.prioritized(Double.NaN, beta, rng))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha is NaN; it must be finite and >= 0");
        assertThatThrownBy(() -> new PrioritizedSampler(0.6, beta, 0.0, 16, rng))
                .hasMessageContaining("initialPriority is 0.0; it must be finite and > 0");
        PrioritizedSampler squared = new PrioritizedSampler(2.0, beta, 1.0, 16, rng);
        squared.append(1);
        assertThatThrownBy(() -> squared.update(0, 1e200))
                .hasMessageContaining("priority for row 0 is 1.0E200, which overflows")
                .hasMessageContaining("alpha 2.0");
    }

    private static long[] drawCounts(int rows, double alpha, int batchSize) {
        PrioritizedSampler sampler = sampler(alpha);
        sampler.append(rows);
        for (int i = 0; i < rows; i++) {
            sampler.update(i, i + 1);
        }
        SampleBatch batch = new SampleBatch(batchSize);
        long[] counts = new long[rows];
        for (int drawn = 0; drawn < DRAWS; drawn += batchSize) {
            sampler.sample(batch);
            for (int row : batch.rowIds()) {
                counts[row]++;
            }
        }
        return counts;
    }

    private static double[] alphaProbabilities(int rows, double alpha) {
        double[] p = new double[rows];
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            p[i] = Math.pow(i + 1, alpha);
            sum += p[i];
        }
        for (int i = 0; i < rows; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static PrioritizedSampler fourRows(BetaSchedule beta) {
        PrioritizedSampler sampler =
                new PrioritizedSampler(1.0, beta, 1.0, 4, new SplittableRandom(7));
        sampler.append(4);
        sampler.update(new int[] {0, 1, 2, 3}, new double[] {1, 2, 3, 4}, 4);
        return sampler;
    }

    private static PrioritizedSampler sampler(double alpha) {
        return Sampler.prioritized(alpha, new BetaSchedule(0.4, 1000), new SplittableRandom(42));
    }

    private static float weightOf(SampleBatch batch, int row) {
        for (int j = 0; j < batch.size(); j++) {
            if (batch.rowIds()[j] == row) {
                return batch.weights()[j];
            }
        }
        throw new AssertionError("row " + row + " not in the batch");
    }

    private static double probabilityOf(SampleBatch batch, int row) {
        for (int j = 0; j < batch.size(); j++) {
            if (batch.rowIds()[j] == row) {
                return batch.probabilities()[j];
            }
        }
        throw new AssertionError("row " + row + " not in the batch");
    }
}
