package io.replayflow.trainer.ope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Percentile bootstrap over episodes (Efron and Tibshirani, "An Introduction to the Bootstrap",
 * 1993, ch. 13): the estimator is recomputed on {@code resamples} sets of {@code n} episodes drawn
 * with replacement, and the interval is the {@code (1-c)/2} and {@code (1+c)/2} quantiles of those
 * estimates. Cost: {@code resamples} times the estimator's. Not thread-safe (the generator).
 *
 * <p>With a fitted model (FQE, and DR on top of it) the estimate also depends on the fit: refitting
 * with another initialisation and minibatch order moves it, often by more than resampling the
 * episodes does. {@link #estimateOverFits} takes the episodes once per fit and resamples both
 * levels, the fits and the episodes (the two-stage bootstrap of Davison and Hinkley, "Bootstrap
 * Methods and their Application", 1997, sec. 3.8), so the interval of the mean over fits covers the
 * fits' disagreement. With one fit only the episodes are resampled and the interval says nothing
 * about the fitting error.
 */
public final class Bootstrap {

    private final int resamples;
    private final double confidence;
    private final RandomGenerator random;

    /**
     * @param resamples at least 10, e.g. 200
     * @param confidence in (0, 1), e.g. 0.95
     * @param random seeded source of the draws
     */
    public Bootstrap(int resamples, double confidence, RandomGenerator random) {
        if (resamples < 10) {
            throw new IllegalArgumentException(
                    "bootstrap resamples is " + resamples + "; use at least 10 (e.g. 200)");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException(
                    "confidence " + confidence + " is outside (0, 1); e.g. 0.95");
        }
        this.resamples = resamples;
        this.confidence = confidence;
        this.random = random;
    }

    /** The estimate on all episodes, its interval and the weights' effective sample size. */
    public OpeEstimate estimate(
            OpeEstimator estimator, List<LoggedEpisode> episodes, double gamma) {
        return estimateOverFits(estimator, List.of(episodes), gamma);
    }

    /**
     * The mean over fits of the estimate on all episodes, and its interval from resamples that each
     * draw {@code K} fits and {@code n} episodes with replacement (the same episodes for every
     * drawn fit) and average the estimator over the drawn fits:
     *
     * <pre>
     *   value = 1/K sum_f est(E_f),   draw_b = 1/K sum_{j=1..K} est(E_{f_j}[i_1..i_n])
     *   f_j ~ U{1..K},  i_k ~ U{1..n}
     * </pre>
     *
     * @param fits {@code K >= 1} lists of the same {@code n} episodes, one per fitted model
     *     (differing only in their model values); the ESS is that of the first (the weights do not
     *     depend on the model)
     */
    public OpeEstimate estimateOverFits(
            OpeEstimator estimator, List<List<LoggedEpisode>> fits, double gamma) {
        if (fits.isEmpty() || fits.get(0).isEmpty()) {
            throw new IllegalArgumentException("no episodes to evaluate on");
        }
        int k = fits.size();
        int n = fits.get(0).size();
        for (List<LoggedEpisode> fit : fits) {
            if (fit.size() != n) {
                throw new IllegalArgumentException(
                        "every fit needs the same " + n + " episodes, one has " + fit.size());
            }
        }
        double value = 0;
        List<Double> each = new ArrayList<>(k);
        for (List<LoggedEpisode> fit : fits) {
            double v = estimator.estimate(fit, gamma);
            each.add(v);
            value += v / k;
        }
        double[] draws = new double[resamples];
        int[] pick = new int[n];
        List<LoggedEpisode> sample = new ArrayList<>(n);
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                pick[i] = random.nextInt(n);
            }
            double draw = 0;
            for (int j = 0; j < k; j++) {
                List<LoggedEpisode> fit = fits.get(k == 1 ? 0 : random.nextInt(k));
                sample.clear();
                for (int i : pick) {
                    sample.add(fit.get(i));
                }
                draw += estimator.estimate(sample, gamma) / k;
            }
            draws[b] = draw;
        }
        List<LoggedEpisode> episodes = fits.get(0);
        Arrays.sort(draws);
        double alpha = (1 - confidence) / 2;
        double ess = estimator instanceof DirectMethod ? n : effectiveSampleSize(episodes);
        return new OpeEstimate(
                value,
                quantile(draws, alpha),
                quantile(draws, 1 - alpha),
                ess,
                k > 1 ? each : List.of());
    }

    /** {@code (sum_i w_i)^2 / sum_i w_i^2} of the whole-episode weights; 0 when all are 0. */
    public static double effectiveSampleSize(List<LoggedEpisode> episodes) {
        double sum = 0;
        double squares = 0;
        for (LoggedEpisode e : episodes) {
            double w = e.weight();
            sum += w;
            squares += w * w;
        }
        return squares == 0 ? 0 : sum * sum / squares;
    }

    /** Linear interpolation between order statistics (type 7, R's default). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
