package io.replayflow.ingest.stats;

import io.replayflow.schemas.avro.EpisodeSummary;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Folds episode summaries into a {@link StatsAccumulator}: {@code episodes = n}, {@code returnSum =
 * Σ return}, {@code returnSquareSum = Σ return²}, {@code returnMin/Max}, {@code lengthSum = Σ
 * length}, {@code terminated}. Means are taken when the window closes ({@link EpisodeStatsWindow}),
 * so merging is exact.
 */
public final class EpisodeStatsAggregate
        implements AggregateFunction<EpisodeSummary, StatsAccumulator, StatsAccumulator> {

    private static final long serialVersionUID = 1L;

    @Override
    public StatsAccumulator createAccumulator() {
        return new StatsAccumulator();
    }

    @Override
    public StatsAccumulator add(EpisodeSummary summary, StatsAccumulator acc) {
        acc.episodes++;
        acc.returnSum += summary.getEpisodeReturn();
        acc.returnSquareSum += summary.getEpisodeReturn() * summary.getEpisodeReturn();
        acc.returnMin = Math.min(acc.returnMin, summary.getEpisodeReturn());
        acc.returnMax = Math.max(acc.returnMax, summary.getEpisodeReturn());
        acc.lengthSum += summary.getLength();
        if (summary.getTerminated()) {
            acc.terminated++;
        }
        return acc;
    }

    @Override
    public StatsAccumulator getResult(StatsAccumulator acc) {
        return acc;
    }

    @Override
    public StatsAccumulator merge(StatsAccumulator a, StatsAccumulator b) {
        StatsAccumulator merged = new StatsAccumulator();
        merged.episodes = a.episodes + b.episodes;
        merged.returnSum = a.returnSum + b.returnSum;
        merged.returnSquareSum = a.returnSquareSum + b.returnSquareSum;
        merged.returnMin = Math.min(a.returnMin, b.returnMin);
        merged.returnMax = Math.max(a.returnMax, b.returnMax);
        merged.lengthSum = a.lengthSum + b.lengthSum;
        merged.terminated = a.terminated + b.terminated;
        return merged;
    }
}
