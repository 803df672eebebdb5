package io.replayflow.schemas.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DurationsTest {

    @Test
    void formatsInTheLargestExactUnit() {
        assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("24 h");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5 min");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90 s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500 ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0 ms");
    }

    @Test
    void parsesTheCompactFlagForm() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 10S ")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5 m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aBadDurationSaysWhichUnitsToUse() {
        assertThatThrownBy(() -> Durations.parse("5 min"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "'5 min' is not a duration: use a number with ms, s, m or h (e.g. 10s,"
                                + " 5m)");
    }
}
