package io.replayflow.ingest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.schemas.avro.EpisodeStats;
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
        // Returns 10, 20, 60: mean 30, min 10, max 60, population variance (100+400+3600)/3 - 900
        // = 466.67, std 21.602. Lengths 10, 20, 30: mean 20. Two of the three terminated.
        StatsAccumulator acc = aggregate.createAccumulator();
        acc = aggregate.add(summary(10, 10, true), acc);
        acc = aggregate.add(summary(20, 20, false), acc);
        acc = aggregate.add(summary(60, 30, true), acc);

        EpisodeStats stats =
                EpisodeStatsWindow.of(
                        "CartPole-v1", 3, new TimeWindow(0, 60_000), aggregate.getResult(acc));

        assertThat(stats.getEpisodes()).isEqualTo(3);
        assertThat(stats.getMeanReturn()).isEqualTo(30.0);
        assertThat(stats.getStdReturn()).isCloseTo(21.602, within(1e-3));
        assertThat(stats.getMinReturn()).isEqualTo(10.0);
        assertThat(stats.getMaxReturn()).isEqualTo(60.0);
        assertThat(stats.getMeanLength()).isEqualTo(20.0);
        assertThat(stats.getTerminated()).isEqualTo(2);
        assertThat(stats.getWindowStartMs()).isZero();
        assertThat(stats.getWindowEndMs()).isEqualTo(60_000);
        assertThat(EpisodeStatsWindow.describe(stats))
                .isEqualTo(
                        "CartPole-v1 policy v3 [0, 60000): 3 episodes, return mean 30.000 std"
                                + " 21.602 min 10.000 max 60.000, mean length 20.0");
    }

    @Test
    void equalReturnsHaveZeroDeviationNotNaN() {
        // 0.1 squared and summed three times differs from 3 * 0.1^2 in the last bits.
        StatsAccumulator acc = aggregate.createAccumulator();
        for (int i = 0; i < 3; i++) {
            acc = aggregate.add(summary(0.1, 1, true), acc);
        }
        EpisodeStats stats = EpisodeStatsWindow.of("e", 0, new TimeWindow(0, 1), acc);
        assertThat(stats.getStdReturn()).isNotNaN().isCloseTo(0.0, within(1e-9));
    }

    @Test
    void mergingIsExact() {
        StatsAccumulator a = aggregate.add(summary(-5, 5, true), aggregate.createAccumulator());
        StatsAccumulator b = aggregate.add(summary(15, 15, false), aggregate.createAccumulator());
        StatsAccumulator merged = aggregate.merge(a, b);
        assertThat(merged.episodes).isEqualTo(2);
        assertThat(merged.returnSum).isEqualTo(10.0);
        assertThat(merged.returnMin).isEqualTo(-5.0);
        assertThat(merged.returnMax).isEqualTo(15.0);
        assertThat(merged.lengthSum).isEqualTo(20);
        assertThat(merged.returnSquareSum).isEqualTo(250.0);
        assertThat(merged.terminated).isEqualTo(1);
    }

    private static EpisodeSummary summary(double episodeReturn, long length, boolean terminated) {
        return EpisodeSummary.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId("a")
                .setEpisodeId("e")
                .setPolicyVersion(3)
                .setEpisodeReturn(episodeReturn)
                .setLength(length)
                .setTerminated(terminated)
                .setTruncated(!terminated)
                .setStartTimeMs(0)
                .setEndTimeMs(1)
                .build();
    }
}
