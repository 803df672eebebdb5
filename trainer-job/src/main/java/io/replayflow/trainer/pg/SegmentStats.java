package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;

/**
 * How far the learner is from the data it learns from, over the valid steps of one segment batch:
 * policy lag in versions ({@code learnerVersion - policyVersion} of the actor that acted) and in
 * seconds ({@code now - eventTime}), and the importance ratio {@code pi(a|s) / mu(a|s)} of the
 * learner's policy over the logged behaviour probability (before V-trace truncates it).
 *
 * @param steps valid steps measured
 * @param meanLagVersions mean version lag
 * @param maxLagVersions largest version lag
 * @param meanLagSeconds mean seconds between acting and this learning step
 * @param meanRatio mean importance ratio
 * @param maxRatio largest importance ratio
 */
public record SegmentStats(
        long steps,
        double meanLagVersions,
        long maxLagVersions,
        double meanLagSeconds,
        double meanRatio,
        double maxRatio) {

    /**
     * Measures {@code batch}.
     *
     * @param ratios {@code pi/mu} per step {@code [B * T]}
     * @param learnerVersion the newest policy version the learner has published (0 before any)
     * @param nowMs the learner's clock
     */
    public static SegmentStats of(
            SegmentBatch batch, float[] ratios, long learnerVersion, long nowMs) {
        long steps = 0;
        double lagSum = 0;
        long lagMax = 0;
        double secondsSum = 0;
        double ratioSum = 0;
        double ratioMax = 0;
        for (int i = 0; i < batch.size() * batch.length(); i++) {
            if (batch.valid()[i] == 0f) {
                continue;
            }
            long lag = Math.max(0, learnerVersion - batch.policyVersions()[i]);
            steps++;
            lagSum += lag;
            lagMax = Math.max(lagMax, lag);
            secondsSum += Math.max(0, nowMs - batch.eventTimeMs()[i]) / 1000.0;
            ratioSum += ratios[i];
            ratioMax = Math.max(ratioMax, ratios[i]);
        }
        if (steps == 0) {
            return new SegmentStats(0, 0, 0, 0, 0, 0);
        }
        return new SegmentStats(
                steps, lagSum / steps, lagMax, secondsSum / steps, ratioSum / steps, ratioMax);
    }
}
