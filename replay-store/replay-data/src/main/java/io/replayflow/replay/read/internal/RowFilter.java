package io.replayflow.replay.read.internal;

import io.replayflow.log.layout.PartitionPath;
import java.util.Arrays;
import java.util.Set;

/**
 * Which rows a dataset loads: environments, an event-time range {@code [fromMs, toMs)} and policy
 * versions. Partitions are pruned first ({@link #keepPartition}); rows are then checked one by one
 * because a partition's hour may straddle the range. Immutable.
 *
 * @param envs env ids to keep; empty keeps all
 * @param fromMs inclusive lower bound of event time
 * @param toMs exclusive upper bound of event time
 * @param policyVersions sorted versions to keep; null keeps all
 */
public record RowFilter(Set<String> envs, long fromMs, long toMs, long[] policyVersions) {

    public RowFilter {
        envs = Set.copyOf(envs);
        if (policyVersions != null) {
            policyVersions = policyVersions.clone();
            Arrays.sort(policyVersions);
        }
    }

    public static RowFilter all() {
        return new RowFilter(Set.of(), Long.MIN_VALUE, Long.MAX_VALUE, null);
    }

    public boolean keepPartition(PartitionPath partition) {
        return (envs.isEmpty() || envs.contains(partition.envId()))
                && partition.overlaps(fromMs, toMs);
    }

    public boolean keepEnv(String envId) {
        return envs.isEmpty() || envs.contains(envId);
    }

    public boolean keepTime(long eventTimeMs) {
        return eventTimeMs >= fromMs && eventTimeMs < toMs;
    }

    public boolean keepPolicy(long version) {
        return policyVersions == null || Arrays.binarySearch(policyVersions, version) >= 0;
    }
}
