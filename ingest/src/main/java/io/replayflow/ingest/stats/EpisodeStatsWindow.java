package io.replayflow.ingest.stats;

import io.replayflow.schemas.avro.EpisodeStats;
import java.util.Locale;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a closed window's sums into an {@link EpisodeStats} record: means are sums over the count;
 * the standard deviation is the population one, {@code sqrt(max(0, Σr²/n − mean²))} (clamped, since
 * rounding can make the difference slightly negative when every return is equal).
 */
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
        double mean = acc.returnSum / acc.episodes;
        double variance = Math.max(0.0, acc.returnSquareSum / acc.episodes - mean * mean);
        return EpisodeStats.newBuilder()
                .setEnvId(envId)
                .setPolicyVersion(policyVersion)
                .setWindowStartMs(w.getStart())
                .setWindowEndMs(w.getEnd())
                .setEpisodes(acc.episodes)
                .setMeanReturn(mean)
                .setStdReturn(Math.sqrt(variance))
                .setMinReturn(acc.returnMin)
                .setMaxReturn(acc.returnMax)
                .setMeanLength((double) acc.lengthSum / acc.episodes)
                .setTerminated(acc.terminated)
                .build();
    }

    /** One line for the log: {@code CartPole-v1 policy v3 [0, 60000): 3 episodes, ...}. */
    public static String describe(EpisodeStats s) {
        return String.format(
                Locale.ROOT,
                "%s policy v%d [%d, %d): %d episodes, return mean %.3f std %.3f min %.3f max %.3f,"
                        + " mean length %.1f",
                s.getEnvId(),
                s.getPolicyVersion(),
                s.getWindowStartMs(),
                s.getWindowEndMs(),
                s.getEpisodes(),
                s.getMeanReturn(),
                s.getStdReturn(),
                s.getMinReturn(),
                s.getMaxReturn(),
                s.getMeanLength());
    }
}
