package io.replayflow.ingest.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.avro.EpisodeSummary;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EpisodeStatsTest {

    private final EpisodeStatsAggregate aggregate = new EpisodeStatsAggregate();

    @Test
    void meansMinimaAndMaximaOfAWindow() {
        // Returns 10, 20, 60: mean 30, min 10, max 60. Lengths 10, 20, 30: mean 20.
        StatsAccumulator acc = aggregate.createAccumulator();
        acc = aggregate.add(summary(10, 10), acc);
        acc = aggregate.add(summary(20, 20), acc);
        acc = aggregate.add(summary(60, 30), acc);

        EpisodeStats stats =
                EpisodeStatsWindow.of(
                        "CartPole-v1", 3, new TimeWindow(0, 60_000), aggregate.getResult(acc));

        assertThat(stats.episodes).isEqualTo(3);
        assertThat(stats.meanReturn).isEqualTo(30.0);
        assertThat(stats.minReturn).isEqualTo(10.0);
        assertThat(stats.maxReturn).isEqualTo(60.0);
        assertThat(stats.meanLength).isEqualTo(20.0);
        assertThat(stats.windowStartMs).isZero();
        assertThat(stats.windowEndMs).isEqualTo(60_000);
        assertThat(stats.toString())
                .isEqualTo(
                        "CartPole-v1 policy v3 [0, 60000): 3 episodes, return mean 30.000 min"
                                + " 10.000 max 60.000, mean length 20.0");
    }

    @Test
    void mergingIsExact() {
        StatsAccumulator a = aggregate.add(summary(-5, 5), aggregate.createAccumulator());
        StatsAccumulator b = aggregate.add(summary(15, 15), aggregate.createAccumulator());
        StatsAccumulator merged = aggregate.merge(a, b);
        assertThat(merged.episodes).isEqualTo(2);
        assertThat(merged.returnSum).isEqualTo(10.0);
        assertThat(merged.returnMin).isEqualTo(-5.0);
        assertThat(merged.returnMax).isEqualTo(15.0);
        assertThat(merged.lengthSum).isEqualTo(20);
    }

    private static EpisodeSummary summary(double episodeReturn, long length) {
        return EpisodeSummary.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("a")
                .setEpisodeId("e")
                .setPolicyVersion(3)
                .setEpisodeReturn(episodeReturn)
                .setLength(length)
                .setTerminated(true)
                .setTruncated(false)
                .setStartTimeMs(0)
                .setEndTimeMs(1)
                .build();
    }
}
