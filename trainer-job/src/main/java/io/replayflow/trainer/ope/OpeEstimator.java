package io.replayflow.trainer.ope;

import java.util.List;

/**
 * An estimator of a target policy's expected discounted return {@code V^pi = E[sum_t gamma^t r_t]}
 * from episodes logged by a behaviour policy. Pure functions of their input: stateless and
 * thread-safe; cost O(total steps).
 */
public sealed interface OpeEstimator
        permits PerDecisionIs, WeightedPerDecisionIs, DoublyRobust, DirectMethod {

    /** The key in {@code ope}'s JSON: {@code pdis}, {@code wpdis}, {@code dr}, {@code fqe}. */
    String id();

    /** The estimate of {@code V^pi} over {@code episodes} (not empty). */
    double estimate(List<LoggedEpisode> episodes, double gamma);
}
