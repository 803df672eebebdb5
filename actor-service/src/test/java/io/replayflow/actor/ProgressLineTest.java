package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProgressLineTest {

    @Test
    void showsRateEpisodesReturnVersionSwapsAndEta() {
        ActorStatus status =
                new ActorStatus(
                        1_250_000,
                        1_249_000,
                        54_321,
                        22.14,
                        3,
                        3,
                        1,
                        0,
                        Duration.ofSeconds(4),
                        2_500_000);
        assertThat(ProgressLine.format(status, 318_000))
                .isEqualTo(
                        "1.25M steps  312.5k/s (now 318.0k/s) | 54,321 episodes | return(100) 22.1"
                                + " | policy v3 | swaps 3, refused 1 | ETA 0:04");
    }

    @Test
    void withoutBudgetOrEpisodesYet() {
        ActorStatus status =
                new ActorStatus(640, 0, 0, Double.NaN, 0, 0, 0, 12, Duration.ofSeconds(1), 0);
        assertThat(ProgressLine.format(status, 640))
                .isEqualTo(
                        "640 steps  640/s (now 640/s) | 0 episodes | return(100) - | policy v0 |"
                                + " swaps 0 | blocked 12");
    }

    @Test
    void formatsClockTimes() {
        assertThat(ProgressLine.clock(42)).isEqualTo("0:42");
        assertThat(ProgressLine.clock(725)).isEqualTo("12:05");
        assertThat(ProgressLine.clock(3723)).isEqualTo("1:02:03");
    }
}
