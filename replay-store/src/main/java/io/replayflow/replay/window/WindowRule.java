package io.replayflow.replay.window;

import io.replayflow.log.layout.PartitionPath;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which partitions have left the window. With W the event-time watermark:
 *
 * <ul>
 *   <li><b>By duration</b>: a partition expires once its hour ended at least {@code window} before
 *       W ({@code hourEnd <= W - window}).
 *   <li><b>By transition count</b> (when set): per env, walking from the newest partition back, a
 *       partition expires once the newer partitions of its env already hold at least {@code
 *       maxTransitions} rows. So the window keeps between {@code maxTransitions} and {@code
 *       maxTransitions} + one partition's rows; partitions are hours, and hours are the unit of
 *       expiry.
 *   <li><b>Never too early</b>: no partition expires while {@code hourEnd > W - allowedLateness},
 *       whichever rule applies. The enrichment drops rows older than {@code W - allowedLateness},
 *       and watermarks only grow, so no row can be written to a partition after it expired.
 * </ul>
 *
 * Before the first watermark nothing expires. {@code maxTransitions <= 0} means no count rule (a
 * plain value, not {@code OptionalLong}, so Flink's closure cleaner can ship it). Pure; O(p log p)
 * for p partitions.
 */
public record WindowRule(long windowMs, long maxTransitions, long allowedLatenessMs)
        implements Serializable {

    /** No count rule. */
    public static final long UNBOUNDED = 0;

    /** A rule from the job's options; an empty {@code maxTransitions} means time only. */
    public static WindowRule of(
            long windowMs, OptionalLong maxTransitions, long allowedLatenessMs) {
        return new WindowRule(windowMs, maxTransitions.orElse(UNBOUNDED), allowedLatenessMs);
    }

    /** The expired partitions among {@code partitions} (keyed by relative directory). */
    public Set<String> expired(Map<String, PartitionStat> partitions, long watermark) {
        Set<String> out = new HashSet<>();
        if (watermark == Long.MIN_VALUE) {
            return out;
        }
        long lateHorizon = watermark - allowedLatenessMs;
        for (Map.Entry<String, PartitionStat> e : partitions.entrySet()) {
            if (expiredByDuration(e.getValue().hourStartMs, watermark)) {
                out.add(e.getKey());
            }
        }
        if (maxTransitions <= 0) {
            return out;
        }
        Map<String, List<Map.Entry<String, PartitionStat>>> byEnv = new HashMap<>();
        for (Map.Entry<String, PartitionStat> e : partitions.entrySet()) {
            byEnv.computeIfAbsent(e.getValue().envId, k -> new ArrayList<>()).add(e);
        }
        for (List<Map.Entry<String, PartitionStat>> env : byEnv.values()) {
            env.sort(
                    Comparator.comparingLong(
                                    (Map.Entry<String, PartitionStat> e) ->
                                            e.getValue().hourStartMs)
                            .reversed());
            long newer = 0;
            for (Map.Entry<String, PartitionStat> e : env) {
                long hourEnd = e.getValue().hourStartMs + PartitionPath.HOUR_MS;
                if (newer >= maxTransitions && hourEnd <= lateHorizon) {
                    out.add(e.getKey());
                }
                newer += e.getValue().rows;
            }
        }
        return out;
    }

    /** Whether the partition starting at {@code hourStartMs} is older than the window. */
    public boolean expiredByDuration(long hourStartMs, long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return false;
        }
        long hourEnd = hourStartMs + PartitionPath.HOUR_MS;
        return hourEnd <= watermark - windowMs && hourEnd <= watermark - allowedLatenessMs;
    }
}
