package io.replayflow.replay.job;

import java.util.Locale;

/**
 * What a replay-store job builds ({@code replay.dataset.kind}): one row per transition for the
 * value-based and offline learners, or fixed-length trajectory segments for the policy-gradient
 * family ({@code io.replayflow.replay.segment}).
 */
public enum DatasetKind {
    /** Transitions with n-step targets, returns-to-go and priorities (the default). */
    TRANSITIONS,
    /**
     * Trajectory segments of up to {@code replay.segment.length} steps per episode, written as soon
     * as T steps of an episode arrived (or at the episode's end, or its idle flush); no TD scoring.
     */
    SEGMENTS;

    /**
     * Parses {@code transitions} or {@code segments} (any case).
     *
     * @throws IllegalArgumentException naming the key and the accepted values
     */
    public static DatasetKind parse(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (DatasetKind kind : values()) {
            if (kind.name().equals(v)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                ReplayStoreOptions.DATASET_KIND.key()
                        + " is '"
                        + value
                        + "'; use transitions or segments");
    }
}
