package io.replayflow.ingest.stats;

import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a closed window's sums into {@link EpisodeStats}: means are sums over the count. */
public final class EpisodeStatsWindow
        extends ProcessWindowFunction<
                StatsAccumulator, EpisodeStats, Tuple2<String, Long>, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(
            Tuple2<String, Long> key,
            Context context,
            Iterable<StatsAccumulator> sums,
            Collector<EpisodeStats> out) {
        for (StatsAccumulator acc : sums) {
            out.collect(of(key.f0, key.f1, context.window(), acc));
        }
    }

    static EpisodeStats of(String envId, long policyVersion, TimeWindow w, StatsAccumulator acc) {
        EpisodeStats stats = new EpisodeStats();
        stats.envId = envId;
        stats.policyVersion = policyVersion;
        stats.windowStartMs = w.getStart();
        stats.windowEndMs = w.getEnd();
        stats.episodes = acc.episodes;
        stats.meanReturn = acc.returnSum / acc.episodes;
        stats.minReturn = acc.returnMin;
        stats.maxReturn = acc.returnMax;
        stats.meanLength = (double) acc.lengthSum / acc.episodes;
        return stats;
    }
}
