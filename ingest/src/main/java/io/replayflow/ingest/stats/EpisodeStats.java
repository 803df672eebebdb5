package io.replayflow.ingest.stats;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Statistics of the episodes of one env and policy version that ended within one event-time window:
 * what the dashboards and (later) canary decisions read. A Flink POJO.
 */
public class EpisodeStats {

    public static final TypeInformation<EpisodeStats> TYPE = Types.POJO(EpisodeStats.class);

    public String envId;
    public long policyVersion;

    /** The window, epoch milliseconds, start inclusive, end exclusive. */
    public long windowStartMs;

    public long windowEndMs;

    public long episodes;
    public double meanReturn;
    public double minReturn;
    public double maxReturn;
    public double meanLength;

    public EpisodeStats() {}

    @Override
    public boolean equals(Object o) {
        return o instanceof EpisodeStats s
                && Objects.equals(envId, s.envId)
                && policyVersion == s.policyVersion
                && windowStartMs == s.windowStartMs
                && windowEndMs == s.windowEndMs
                && episodes == s.episodes
                && Double.compare(meanReturn, s.meanReturn) == 0
                && Double.compare(minReturn, s.minReturn) == 0
                && Double.compare(maxReturn, s.maxReturn) == 0
                && Double.compare(meanLength, s.meanLength) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(envId, policyVersion, windowStartMs);
    }

    @Override
    public String toString() {
        return String.format(
                "%s policy v%d [%d, %d): %d episodes, return mean %.3f min %.3f max %.3f, mean"
                        + " length %.1f",
                envId,
                policyVersion,
                windowStartMs,
                windowEndMs,
                episodes,
                meanReturn,
                minReturn,
                maxReturn,
                meanLength);
    }
}
