package io.replayflow.replay.sample;

/** Pearson's chi-square statistic for checking a sampler's empirical frequencies. */
final class ChiSquare {

    private ChiSquare() {}

    /** {@code sum_i (observed_i - n p_i)^2 / (n p_i)}, with n the total of {@code observed}. */
    static double statistic(long[] observed, double[] probabilities) {
        long n = 0;
        for (long count : observed) {
            n += count;
        }
        double statistic = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = n * probabilities[i];
            double diff = observed[i] - expected;
            statistic += diff * diff / expected;
        }
        return statistic;
    }
}
