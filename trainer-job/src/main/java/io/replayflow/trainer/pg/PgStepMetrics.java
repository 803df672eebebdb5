package io.replayflow.trainer.pg;

/**
 * What one policy-gradient step reports.
 *
 * @param step gradient steps taken, this one included (unchanged by an evaluation)
 * @param totalLoss {@code policy + c_v value - c_e entropy}
 * @param policyLoss {@code -mean A log pi(a|s)}; NaN for R2D2 (a Q learner)
 * @param valueLoss {@code mean 0.5 (v - V(s))^2}; R2D2: its TD loss
 * @param entropy mean policy entropy (nats); NaN for R2D2
 * @param gradNorm global gradient norm before clipping
 * @param stats policy lag and importance ratios of the batch
 */
public record PgStepMetrics(
        long step,
        float totalLoss,
        float policyLoss,
        float valueLoss,
        float entropy,
        float gradNorm,
        SegmentStats stats) {}
