package io.replayflow.trainer.data;

import io.replayflow.trainer.SeededRandom;
import io.replayflow.trainer.TrainerOptions;
import java.util.Arrays;
import java.util.Objects;

/**
 * Observation-noise augmentation ({@code trainer.augment.obs-noise}, after S4RL: Sinha, Mandlekar
 * and Garg, 2021): before each training step every observation and next observation of the batch
 * gets independent Gaussian noise,
 *
 * <pre>
 *   obs[j, i]      += fraction * std[i] * N(0, 1)
 *   next_obs[j, i] += fraction * std[i] * N(0, 1)
 * </pre>
 *
 * where {@code std[i]} is feature {@code i}'s standard deviation over the training data, computed
 * once when the source is built ({@link #featureStd}). A network trained on a small log then sees a
 * neighbourhood of each logged state rather than the point, which smooths what it does between and
 * just beyond the logged states. Actions, rewards and discounts are untouched; a feature that never
 * varies in the data gets no noise. Float observations only (images are refused where the source is
 * built).
 *
 * <p>A source adds it on every {@code fill}, so the batch of {@code Trainer.evaluate} (a loss
 * without training) is noisy too. The generator is the source's to checkpoint ({@link #state},
 * {@link #restore}), so a resumed run adds the same noise as an uninterrupted one. Not thread-safe;
 * owned by the training thread.
 */
public final class ObsNoise {

    /** Checkpoint key of the generator's state. */
    static final String RNG_STATE = "augment.obs-noise.rng";

    /** Stream id for {@link SeededRandom#derive}: independent of the sampler's draws. */
    static final long STREAM = 0x4F42_534EL;

    private final float[] scale;
    private final SeededRandom rng;

    /**
     * @param fraction the noise's standard deviation as a fraction of each feature's, {@code > 0}
     * @param featureStd each feature's standard deviation over the training data
     */
    public ObsNoise(double fraction, double[] featureStd, SeededRandom rng) {
        if (!(fraction > 0) || !Double.isFinite(fraction)) {
            throw new IllegalArgumentException(
                    TrainerOptions.AUGMENT_OBS_NOISE.key()
                            + "="
                            + fraction
                            + " is invalid here: must be finite and > 0 (0 means no ObsNoise)");
        }
        this.rng = Objects.requireNonNull(rng, "rng");
        scale = new float[featureStd.length];
        for (int i = 0; i < scale.length; i++) {
            if (!(featureStd[i] >= 0) || !Double.isFinite(featureStd[i])) {
                throw new IllegalArgumentException(
                        "feature "
                                + i
                                + " of the training data has standard deviation "
                                + featureStd[i]
                                + ": the observations hold NaN or infinite values; drop"
                                + " trainer.augment.obs-noise or clean the data");
            }
            scale[i] = (float) (fraction * featureStd[i]);
        }
    }

    /**
     * Per-feature population standard deviation of {@code rows} observations of {@code dim} floats
     * each, laid out row after row in {@code obs} (two passes in double precision).
     */
    public static double[] featureStd(float[] obs, int rows, int dim) {
        if (rows < 1 || dim < 1 || obs.length < (long) rows * dim) {
            throw new IllegalArgumentException(
                    "need at least one observation of at least one feature: rows="
                            + rows
                            + ", dim="
                            + dim
                            + ", floats="
                            + obs.length);
        }
        double[] mean = new double[dim];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dim; i++) {
                mean[i] += obs[r * dim + i];
            }
        }
        for (int i = 0; i < dim; i++) {
            mean[i] /= rows;
        }
        double[] var = new double[dim];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dim; i++) {
                double d = obs[r * dim + i] - mean[i];
                var[i] += d * d;
            }
        }
        for (int i = 0; i < dim; i++) {
            var[i] = Math.sqrt(var[i] / rows);
        }
        return var;
    }

    /** The noise's standard deviation per feature, {@code fraction * std[i]}. */
    public float[] scale() {
        return Arrays.copyOf(scale, scale.length);
    }

    /**
     * Adds the noise to every slot's observation and next observation in place.
     *
     * @throws IllegalArgumentException if the batch holds images or its observations are not the
     *     size this noise was built for
     */
    public void apply(TrainingBatch batch) {
        if (batch.obs() == null) {
            throw new IllegalArgumentException(
                    TrainerOptions.AUGMENT_OBS_NOISE.key()
                            + " applies to float observations, not uint8 images; remove the key");
        }
        int dim = batch.spec().obsSize();
        if (dim != scale.length) {
            throw new IllegalArgumentException(
                    "observations of "
                            + dim
                            + " features, but the noise was built for "
                            + scale.length);
        }
        addNoise(batch.obs(), batch.size(), dim);
        addNoise(batch.nextObs(), batch.size(), dim);
    }

    private void addNoise(float[] x, int rows, int dim) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dim; i++) {
                if (scale[i] != 0f) {
                    x[r * dim + i] += (float) (scale[i] * rng.nextGaussian());
                }
            }
        }
    }

    /** The generator's state, for a checkpoint. */
    public long state() {
        return rng.state();
    }

    /** Continues from a state {@link #state()} returned. */
    public void restore(long state) {
        rng.restore(state);
    }
}
