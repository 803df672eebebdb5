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
 * <p>For FQE the model is fitted once and only the episodes are resampled: the interval reflects
 * the spread of the logged episodes, not the fitting error of the network.
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
        if (episodes.isEmpty()) {
            throw new IllegalArgumentException("no episodes to evaluate on");
        }
        double value = estimator.estimate(episodes, gamma);
        double[] draws = new double[resamples];
        int n = episodes.size();
        List<LoggedEpisode> sample = new ArrayList<>(n);
        for (int b = 0; b < resamples; b++) {
            sample.clear();
            for (int i = 0; i < n; i++) {
                sample.add(episodes.get(random.nextInt(n)));
            }
            draws[b] = estimator.estimate(sample, gamma);
        }
        Arrays.sort(draws);
        double alpha = (1 - confidence) / 2;
        double ess = estimator instanceof DirectMethod ? n : effectiveSampleSize(episodes);
        return new OpeEstimate(value, quantile(draws, alpha), quantile(draws, 1 - alpha), ess);
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
