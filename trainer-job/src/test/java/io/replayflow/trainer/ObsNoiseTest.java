package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.ObsNoise;
import io.replayflow.trainer.data.TrainingBatch;
import io.replayflow.trainer.data.TransitionColumns;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code trainer.augment.obs-noise}: the per-feature standard deviation it scales by, the noise's
 * measured standard deviation on a fixed batch, and that 0 leaves every batch exactly as it was.
 */
@Timeout(30)
class ObsNoiseTest {

    /**
     * 256 rows of 3 features: feature 0 uniform in [-1, 1), feature 1 ten times wider, feature 2
     * constant 5 (no spread, so no noise).
     */
    private static TransitionColumns data() {
        SeededRandom rng = new SeededRandom(11);
        TransitionColumns.Builder b = TransitionColumns.builder(TransitionSpec.vector(3, 2));
        float[] obs = new float[3];
        float[] next = new float[3];
        for (int i = 0; i < 256; i++) {
            obs[0] = (float) rng.nextDouble(-1, 1);
            obs[1] = (float) rng.nextDouble(-10, 10);
            obs[2] = 5f;
            next[0] = (float) rng.nextDouble(-1, 1);
            next[1] = (float) rng.nextDouble(-10, 10);
            next[2] = 5f;
            b.add(obs, rng.nextInt(2), 1f, 0.99f, next);
        }
        return b.build();
    }

    private static TrainerConfig config(double noise) {
        return TrainerConfig.fromMap(
                Map.of("trainer.seed", "3", "trainer.augment.obs-noise", Double.toString(noise)));
    }

    @Test
    void featureStdIsThePopulationStandardDeviationOfEachFeature() {
        // feature 0: 1, 3, 5 -> mean 3, variance (4 + 0 + 4) / 3 = 8/3, std sqrt(8/3) = 1.63299
        // feature 1: 10, 10, 10 -> std 0
        double[] std = ObsNoise.featureStd(new float[] {1, 10, 3, 10, 5, 10}, 3, 2);
        assertThat(std[0]).isCloseTo(Math.sqrt(8.0 / 3), within(1e-9));
        assertThat(std[1]).isZero();
    }

    @Test
    void zeroNoiseLeavesTheBatchIdentical() {
        TransitionColumns data = data();
        // The same sampler stream with and without the key at 0: the same rows, the same floats.
        ArrayBatchSource plain = ArrayBatchSource.of(data, config(0));
        ArrayBatchSource zero =
                ArrayBatchSource.of(data, TrainerConfig.fromMap(Map.of("trainer.seed", "3")));
        try (TrainingBatch a = new TrainingBatch(data.spec(), 64);
                TrainingBatch b = new TrainingBatch(data.spec(), 64)) {
            for (int i = 0; i < 3; i++) {
                plain.fill(a);
                zero.fill(b);
                assertThat(b.rowIds()).containsExactly(a.rowIds());
                assertThat(b.obs()).containsExactly(a.obs());
                assertThat(b.nextObs()).containsExactly(a.nextObs());
                for (int j = 0; j < 64; j++) {
                    int row = a.rowIds()[j];
                    assertThat(java.util.Arrays.copyOfRange(a.obs(), j * 3, j * 3 + 3))
                            .containsExactly(data.obs(row));
                }
            }
        }
    }

    @Test
    void theNoiseHasTheSetFractionOfEachFeaturesStandardDeviation() {
        TransitionColumns data = data();
        float[] all = new float[256 * 3];
        for (int r = 0; r < 256; r++) {
            System.arraycopy(data.obs(r), 0, all, r * 3, 3);
        }
        double[] std = ObsNoise.featureStd(all, 256, 3);
        // Uniform in [-w, w) has std w / sqrt(3): about 0.577 and 5.77.
        assertThat(std[0]).isCloseTo(1 / Math.sqrt(3), within(0.06));
        assertThat(std[1]).isCloseTo(10 / Math.sqrt(3), within(0.6));
        assertThat(std[2]).isZero();

        ArrayBatchSource clean = ArrayBatchSource.of(data, config(0));
        ArrayBatchSource noisy = ArrayBatchSource.of(data, config(0.2));
        int n = 4096;
        try (TrainingBatch a = new TrainingBatch(data.spec(), n);
                TrainingBatch b = new TrainingBatch(data.spec(), n)) {
            clean.fill(a);
            noisy.fill(b);
            // The noise draws from its own stream: the sampler picks the same rows.
            assertThat(b.rowIds()).containsExactly(a.rowIds());
            for (int i = 0; i < 3; i++) {
                double[] obsNoise = residual(b.obs(), a.obs(), i, n);
                double[] nextNoise = residual(b.nextObs(), a.nextObs(), i, n);
                double want = 0.2 * std[i];
                // 4096 draws: the sample std is within about 1.1 % (1 / sqrt(2n)) of the true
                // one; 5 % leaves room. The mean is within 3 standard errors of 0.
                assertThat(stdOf(obsNoise)).isCloseTo(want, within(0.05 * want + 1e-7));
                assertThat(stdOf(nextNoise)).isCloseTo(want, within(0.05 * want + 1e-7));
                assertThat(meanOf(obsNoise)).isCloseTo(0, within(3 * want / Math.sqrt(n) + 1e-7));
            }
            // Independent draws for obs and next_obs.
            assertThat(b.obs()[0] - a.obs()[0]).isNotEqualTo(b.nextObs()[0] - a.nextObs()[0]);
            // Actions, returns and discounts are untouched.
            assertThat(b.actions()).containsExactly(a.actions());
            assertThat(b.nStepReturns()).containsExactly(a.nStepReturns());
            assertThat(b.bootstrapDiscounts()).containsExactly(a.bootstrapDiscounts());
        }
    }

    @Test
    void aRestoredSourceAddsTheSameNoise() {
        TransitionColumns data = data();
        ArrayBatchSource first = ArrayBatchSource.of(data, config(0.1));
        try (TrainingBatch a = new TrainingBatch(data.spec(), 16);
                TrainingBatch b = new TrainingBatch(data.spec(), 16)) {
            first.fill(a);
            Map<String, String> state = first.checkpointState();
            first.fill(a);
            ArrayBatchSource resumed = ArrayBatchSource.of(data, config(0.1));
            resumed.restoreState(state);
            resumed.fill(b);
            assertThat(b.obs()).containsExactly(a.obs());
            assertThat(b.nextObs()).containsExactly(a.nextObs());
        }
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> config(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trainer.augment.obs-noise=-0.1 is invalid: must be finite")
                .hasMessageContaining("e.g. 0.1");
        assertThatThrownBy(
                        () ->
                                TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.algo", "a2c",
                                                "trainer.augment.obs-noise", "0.1")))
                .hasMessageContaining("applies to the transition algorithms only")
                .hasMessageContaining("a2c");
        assertThatThrownBy(
                        () -> ArrayBatchSource.of(TestData.randomImages(8, 4, 2, 1), config(0.1)))
                .hasMessageContaining("float observations, not uint8 images");
    }

    private static double[] residual(float[] noisy, float[] clean, int feature, int rows) {
        double[] out = new double[rows];
        for (int j = 0; j < rows; j++) {
            out[j] = noisy[j * 3 + feature] - clean[j * 3 + feature];
        }
        return out;
    }

    private static double meanOf(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double stdOf(double[] x) {
        double m = meanOf(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / x.length);
    }
}
