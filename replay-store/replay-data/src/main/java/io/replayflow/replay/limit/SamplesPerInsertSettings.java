package io.replayflow.replay.limit;

/**
 * Settings of a {@link SamplesPerInsertLimiter}, validated here so that a limiter that could
 * deadlock cannot be built. Immutable.
 *
 * <p>The rule that keeps both sides moving is {@code 2 * tolerance >= maxSampleBatch +
 * samplesPerInsert * maxInsertBatch}; see {@link SamplesPerInsertLimiter} for the control law and
 * why.
 *
 * <pre>{@code
 * // 8 samples per inserted row, start after 10k rows; batches of 256, inserts of up to 64 rows.
 * var settings = new SamplesPerInsertSettings(8.0, 2048.0, 10_000, 256, 64);
 * }</pre>
 *
 * @param samplesPerInsert target samples drawn per row inserted (r), finite and > 0
 * @param tolerance how far, in samples, the sampler may run ahead of or behind the target (T)
 * @param minSizeToSample rows to insert before the first sample (M), >= 1
 * @param maxSampleBatch largest batch passed to {@code awaitCanSample}, >= 1
 * @param maxInsertBatch largest row count passed to {@code awaitCanInsert}, >= 1
 */
public record SamplesPerInsertSettings(
        double samplesPerInsert,
        double tolerance,
        long minSizeToSample,
        int maxSampleBatch,
        int maxInsertBatch) {

    public SamplesPerInsertSettings {
        if (!(samplesPerInsert > 0.0) || samplesPerInsert == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "samplesPerInsert is "
                            + samplesPerInsert
                            + "; it must be finite and > 0 (samples drawn per row inserted;"
                            + " e.g. 8.0 replays each row about 8 times)");
        }
        if (minSizeToSample < 1) {
            throw new IllegalArgumentException(
                    "minSizeToSample is "
                            + minSizeToSample
                            + "; it must be >= 1 because there is nothing to sample before the"
                            + " first row; use 1 to sample as early as possible");
        }
        requirePositive("maxSampleBatch", maxSampleBatch);
        requirePositive("maxInsertBatch", maxInsertBatch);
        double needed = minimumTolerance(samplesPerInsert, maxSampleBatch, maxInsertBatch);
        if (!(tolerance >= needed)) {
            throw new IllegalArgumentException(
                    "tolerance is "
                            + tolerance
                            + " samples, but the rule 2 * tolerance >= maxSampleBatch +"
                            + " samplesPerInsert * maxInsertBatch needs at least "
                            + needed
                            + " (maxSampleBatch "
                            + maxSampleBatch
                            + ", samplesPerInsert "
                            + samplesPerInsert
                            + ", maxInsertBatch "
                            + maxInsertBatch
                            + "); with less, the sampler and the inserter can both block forever."
                            + " Raise tolerance to "
                            + needed
                            + " or more, or lower maxSampleBatch or maxInsertBatch");
        }
    }

    /** Smallest tolerance for which neither side can block while the other is blocked too. */
    public static double minimumTolerance(
            double samplesPerInsert, int maxSampleBatch, int maxInsertBatch) {
        return (maxSampleBatch + samplesPerInsert * maxInsertBatch) / 2.0;
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    name + " is " + value + "; it must be >= 1 (the largest count per call)");
        }
    }
}
