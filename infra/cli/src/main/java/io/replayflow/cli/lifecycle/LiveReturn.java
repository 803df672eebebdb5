package io.replayflow.cli.lifecycle;

import io.replayflow.schemas.avro.EpisodeStats;
import java.util.List;

/**
 * The live mean return of one version over every window of {@code rf.episodes.stats}, with a
 * normal-approximation interval.
 *
 * <p>Pooling windows i with n_i episodes, mean m_i and population standard deviation s_i: N = Σ
 * n_i, mean = Σ n_i m_i / N, variance = Σ n_i (s_i² + m_i²) / N − mean² (exact for the union of the
 * windows' episodes), interval = mean ± z · sd / √N.
 *
 * @param episodes N
 * @param mean pooled mean return
 * @param std pooled population standard deviation
 */
public record LiveReturn(long episodes, double mean, double std) {

    /** z of a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    /** The pooled figures of {@code windows} (null when they hold no episode). */
    public static LiveReturn pool(List<EpisodeStats> windows) {
        long n = 0;
        double sum = 0;
        double sumSquares = 0;
        for (EpisodeStats w : windows) {
            long k = w.getEpisodes();
            double m = w.getMeanReturn();
            double s = w.getStdReturn();
            n += k;
            sum += k * m;
            sumSquares += k * (s * s + m * m);
        }
        if (n == 0) {
            return null;
        }
        double mean = sum / n;
        double variance = Math.max(0.0, sumSquares / n - mean * mean);
        return new LiveReturn(n, mean, Math.sqrt(variance));
    }

    /** Standard error of the mean (sample variance, N − 1). */
    public double standardError() {
        return episodes < 2 ? Double.POSITIVE_INFINITY : std * Math.sqrt(1.0 / (episodes - 1));
    }

    public double low() {
        return mean - Z95 * standardError();
    }

    public double high() {
        return mean + Z95 * standardError();
    }
}
