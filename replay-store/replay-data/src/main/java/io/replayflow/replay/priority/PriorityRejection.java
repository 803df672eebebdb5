package io.replayflow.replay.priority;

import io.replayflow.schemas.avro.PriorityUpdate;
import java.util.Locale;

/**
 * Why a priority update was refused. Each reason has its own counter, {@code
 * replay/priority_updates_rejected_<reason>}; a refused update never changes a priority.
 */
public enum PriorityRejection {
    /** The record did not decode as a {@code PriorityUpdate}. */
    UNDECODABLE,
    /** Priority is NaN. */
    NAN,
    /** Priority is below 0. */
    NEGATIVE,
    /** Priority is infinite. */
    INFINITE,
    /** Empty actor or episode id, or a negative step: names no transition. */
    BAD_IDENTITY,
    /** No row of the dataset has this identity (never written, or expired). */
    UNKNOWN_TRANSITION;

    /** The counter name of this reason. */
    public String metricName() {
        return "priority_updates_rejected_" + name().toLowerCase(Locale.ROOT);
    }

    /** The reason to refuse {@code update}, or null when it is acceptable. */
    public static PriorityRejection check(PriorityUpdate update) {
        double p = update.getPriority();
        if (Double.isNaN(p)) {
            return NAN;
        }
        if (p < 0.0) {
            return NEGATIVE;
        }
        if (Double.isInfinite(p)) {
            return INFINITE;
        }
        if (update.getActorId().isEmpty()
                || update.getEpisodeId().isEmpty()
                || update.getStep() < 0) {
            return BAD_IDENTITY;
        }
        return null;
    }
}
