package io.replayflow.replay.backfill;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.avro.Transition;
import java.io.Serializable;
import java.time.Instant;
import java.util.Set;

/**
 * Which part of the experience log a backfill reads: one environment or all, an event-time range
 * {@code [from, to)} (either end open), and optionally only some behaviour policy versions.
 *
 * @param envId the environment, or null for all
 * @param fromMs first event time included, or {@link Long#MIN_VALUE}
 * @param toMs first event time excluded, or {@link Long#MAX_VALUE}
 * @param policyVersions the behaviour policy versions kept, empty for all
 */
public record BackfillRange(String envId, long fromMs, long toMs, Set<Long> policyVersions)
        implements Serializable {

    public BackfillRange {
        if (fromMs >= toMs) {
            throw new IllegalArgumentException(
                    "the range is empty: --from "
                            + Instant.ofEpochMilli(fromMs)
                            + " is not before --to "
                            + Instant.ofEpochMilli(toMs)
                            + "; give a --from earlier than --to");
        }
        policyVersions = Set.copyOf(policyVersions);
    }

    /** The whole log. */
    public static BackfillRange all() {
        return new BackfillRange(null, Long.MIN_VALUE, Long.MAX_VALUE, Set.of());
    }

    /** Whether any row of {@code partition} can be in range (the listing skips the others). */
    public boolean mayInclude(PartitionPath partition) {
        return (envId == null || envId.equals(partition.envId()))
                && partition.overlaps(fromMs, toMs);
    }

    /** Whether {@code t} is in range. */
    public boolean includes(Transition t) {
        long at = t.getEventTimeMs();
        return at >= fromMs
                && at < toMs
                && (envId == null || envId.equals(t.getEnvId()))
                && (policyVersions.isEmpty() || policyVersions.contains(t.getPolicyVersion()));
    }

    /** Whether {@code row} is in range (as {@link #includes(Transition)} of its transition). */
    public boolean includes(ReplayRow row) {
        long at = row.eventTimeMs;
        return at >= fromMs
                && at < toMs
                && (envId == null || envId.equals(row.envId))
                && (policyVersions.isEmpty() || policyVersions.contains(row.policyVersion));
    }
}
