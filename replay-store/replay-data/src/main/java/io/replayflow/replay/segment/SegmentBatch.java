package io.replayflow.replay.segment;

import java.util.Arrays;

/**
 * A batch of {@code size} trajectory segments of up to {@code length} (T) steps each, batch-major:
 * step {@code t} of segment {@code b} sits at index {@code b * length + t} of every per-step array
 * (and at {@code (b * length + t) * obsDim} of {@link #obs}).
 *
 * <p>A segment never spans two episodes. One that ends early (its episode ended, or the job flushed
 * it) is padded: {@link #valid} is 0 from the first padded step on, and every other per-step value
 * there is 0. {@link #bootstrapObs} is the {@code next_obs} of each segment's last valid step;
 * {@link #bootstrapAlive} is 0 when that step terminated the episode (the value past it is 0) and 1
 * otherwise, truncation included (bootstrap from the value of the truncated state).
 *
 * <p>The arrays are the batch's own and are handed out without copying; a {@link SegmentSource} may
 * refill the same batch on its next call. Not thread-safe.
 *
 * @param size B, the number of segments
 * @param length T, the most steps a segment holds
 * @param obsDim observation width
 * @param obs observations {@code [B * T * obsDim]}
 * @param actions actions taken {@code [B * T]}
 * @param rewards rewards {@code [B * T]}
 * @param behaviorProbs mu(a|s) logged by the actor that acted {@code [B * T]}
 * @param policyVersions version that acted {@code [B * T]}
 * @param terminated 1 where the step terminated its episode {@code [B * T]}
 * @param valid 1 for real steps, 0 for padding {@code [B * T]}
 * @param eventTimeMs when each step was acted {@code [B * T]}, for policy lag in seconds
 * @param bootstrapObs next_obs of each segment's last valid step {@code [B * obsDim]}
 * @param bootstrapAlive 0 when the last valid step terminated, else 1 {@code [B]}
 * @param episodeKeys the episode each segment belongs to ({@code EpisodeKeys} of actor and episode
 *     id), null where unknown {@code [B]}: with {@link #firstSteps} it lets a recurrent learner
 *     find a segment's burn-in prefix among the segments it saw before
 * @param firstSteps the step within its episode of each segment's first step, -1 where unknown
 *     {@code [B]}
 */
public record SegmentBatch(
        int size,
        int length,
        int obsDim,
        float[] obs,
        int[] actions,
        float[] rewards,
        float[] behaviorProbs,
        long[] policyVersions,
        float[] terminated,
        float[] valid,
        long[] eventTimeMs,
        float[] bootstrapObs,
        float[] bootstrapAlive,
        String[] episodeKeys,
        long[] firstSteps) {

    /** Step value of {@link #firstSteps} for a segment whose position in its episode is unknown. */
    public static final long UNKNOWN_STEP = -1L;

    public SegmentBatch {
        if (size < 1 || length < 1 || obsDim < 1) {
            throw new IllegalArgumentException(
                    "segment batch "
                            + size
                            + " x "
                            + length
                            + " x "
                            + obsDim
                            + " must be >= 1 each");
        }
        int steps = size * length;
        check("obs", obs.length, steps * obsDim);
        check("actions", actions.length, steps);
        check("rewards", rewards.length, steps);
        check("behaviorProbs", behaviorProbs.length, steps);
        check("policyVersions", policyVersions.length, steps);
        check("terminated", terminated.length, steps);
        check("valid", valid.length, steps);
        check("eventTimeMs", eventTimeMs.length, steps);
        check("bootstrapObs", bootstrapObs.length, size * obsDim);
        check("bootstrapAlive", bootstrapAlive.length, size);
        check("episodeKeys", episodeKeys.length, size);
        check("firstSteps", firstSteps.length, size);
    }

    /** A batch whose segments' episodes and positions are unknown (built outside a dataset). */
    public SegmentBatch(
            int size,
            int length,
            int obsDim,
            float[] obs,
            int[] actions,
            float[] rewards,
            float[] behaviorProbs,
            long[] policyVersions,
            float[] terminated,
            float[] valid,
            long[] eventTimeMs,
            float[] bootstrapObs,
            float[] bootstrapAlive) {
        this(
                size,
                length,
                obsDim,
                obs,
                actions,
                rewards,
                behaviorProbs,
                policyVersions,
                terminated,
                valid,
                eventTimeMs,
                bootstrapObs,
                bootstrapAlive,
                new String[Math.max(size, 0)],
                unknownSteps(size));
    }

    private static long[] unknownSteps(int size) {
        long[] steps = new long[Math.max(size, 0)];
        Arrays.fill(steps, UNKNOWN_STEP);
        return steps;
    }

    /** A zero-filled batch to be filled in place. */
    public static SegmentBatch allocate(int size, int length, int obsDim) {
        int steps = size * length;
        return new SegmentBatch(
                size,
                length,
                obsDim,
                new float[steps * obsDim],
                new int[steps],
                new float[steps],
                new float[steps],
                new long[steps],
                new float[steps],
                new float[steps],
                new long[steps],
                new float[size * obsDim],
                new float[size],
                new String[size],
                unknownSteps(size));
    }

    /** Index of step {@code t} of segment {@code b} in the per-step arrays. */
    public int index(int b, int t) {
        return b * length + t;
    }

    private static void check(String name, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(
                    name + " holds " + actual + " values; a segment batch needs " + expected);
        }
    }
}
