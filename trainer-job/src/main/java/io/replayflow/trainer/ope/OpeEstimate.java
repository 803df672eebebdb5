package io.replayflow.trainer.ope;

import java.util.List;

/**
 * One estimator's result.
 *
 * @param value the estimate on all episodes
 * @param low lower end of the bootstrap percentile interval
 * @param high upper end
 * @param ess effective sample size of the episodes' weights, {@code (sum w)^2 / sum w^2} (Kong
 *     1992), {@code w} the whole-episode importance weights; the episode count for FQE, which
 *     weighs every episode alike
 * @param fits the estimate of each fitted model when there were several (FQE's ensemble), whose
 *     mean is {@code value}; empty otherwise
 */
public record OpeEstimate(double value, double low, double high, double ess, List<Double> fits) {

    public OpeEstimate {
        fits = List.copyOf(fits);
    }

    /** An estimate of one fit (or of no model). */
    public OpeEstimate(double value, double low, double high, double ess) {
        this(value, low, high, ess, List.of());
    }
}
