package io.replayflow.trainer.ope;

/**
 * One estimator's result.
 *
 * @param value the estimate on all episodes
 * @param low lower end of the bootstrap percentile interval
 * @param high upper end
 * @param ess effective sample size of the episodes' weights, {@code (sum w)^2 / sum w^2} (Kong
 *     1992), {@code w} the whole-episode importance weights; the episode count for FQE, which
 *     weighs every episode alike
 */
public record OpeEstimate(double value, double low, double high, double ess) {}
