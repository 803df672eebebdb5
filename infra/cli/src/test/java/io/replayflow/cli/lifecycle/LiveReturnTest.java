package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.schemas.avro.EpisodeStats;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LiveReturnTest {

    private static EpisodeStats window(long n, double mean, double std) {
        return EpisodeStats.newBuilder()
                .setEnvId("CartPole-v1")
                .setPolicyVersion(3)
                .setWindowStartMs(0)
                .setWindowEndMs(1)
                .setEpisodes(n)
                .setMeanReturn(mean)
                .setStdReturn(std)
                .setMinReturn(0)
                .setMaxReturn(0)
                .setMeanLength(0)
                .setTerminated(n)
                .build();
    }

    @Test
    void poolsWindowsAsTheUnionOfTheirEpisodes() {
        // Window A: returns {10, 20} (mean 15, population sd 5); window B: {30, 30, 30, 50}
        // (mean 35, sd sqrt(((−5)²·3 + 15²)/4) = sqrt(75)). The union {10,20,30,30,30,50}: mean
        // 170/6 = 28.333..., population variance (10²+20²+30²·3+50²)/6 − mean² = 5700/6 −
        // 802.777... = 147.222..., sd 12.1335...
        LiveReturn r = LiveReturn.pool(List.of(window(2, 15, 5), window(4, 35, Math.sqrt(75))));

        assertThat(r.episodes()).isEqualTo(6);
        assertThat(r.mean()).isCloseTo(170.0 / 6, within(1e-9));
        assertThat(r.std())
                .isCloseTo(Math.sqrt(5700.0 / 6 - (170.0 / 6) * (170.0 / 6)), within(1e-9));
        // sample standard error sd·sqrt(1/(N−1)) = 12.1335/sqrt(5) = 5.4263; ±1.96 of it
        assertThat(r.high() - r.mean()).isCloseTo(1.959964 * r.std() / Math.sqrt(5), within(1e-5));
    }

    @Test
    void poolingSinceATimeKeepsTheWindowsThatEndAfterIt() {
        EpisodeStats before = EpisodeStats.newBuilder(window(5, 100, 0)).setWindowEndMs(60).build();
        EpisodeStats straddling =
                EpisodeStats.newBuilder(window(2, 15, 5))
                        .setWindowStartMs(60)
                        .setWindowEndMs(120)
                        .build();
        EpisodeStats after =
                EpisodeStats.newBuilder(window(4, 35, Math.sqrt(75)))
                        .setWindowStartMs(120)
                        .setWindowEndMs(180)
                        .setPolicyVersion(4)
                        .build();

        // Since t = 60: the window ending at 60 is out, the one from 60 to 120 is in.
        var pooled = LiveReturns.pool(List.of(before, straddling, after), 60);
        assertThat(pooled.get(3L).episodes()).isEqualTo(2);
        assertThat(pooled.get(3L).mean()).isEqualTo(15);
        assertThat(pooled.get(4L).episodes()).isEqualTo(4);
        // Since t = 120 only v4's window is left; v3 has no figure.
        assertThat(LiveReturns.pool(List.of(before, straddling, after), 120)).containsOnlyKeys(4L);
        assertThat(LiveReturns.pool(List.of(before, straddling, after), Long.MIN_VALUE).get(3L))
                .isEqualTo(LiveReturn.pool(List.of(before, straddling)));
    }

    @Test
    void noEpisodesIsNoFigure() {
        assertThat(LiveReturn.pool(List.of())).isNull();
        assertThat(LiveReturn.pool(List.of(window(0, 0, 0)))).isNull();
    }
}
