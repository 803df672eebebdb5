package io.replayflow.replay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BetaScheduleTest {

    @Test
    void annealsLinearlyFromBeta0ToOne() {
        BetaSchedule schedule = new BetaSchedule(0.4, 1000);
        assertThat(schedule.beta(0)).isEqualTo(0.4);
        // Halfway: 0.4 + 0.6 * 500 / 1000 = 0.7.
        assertThat(schedule.beta(500)).isCloseTo(0.7, within(1e-15));
        assertThat(schedule.beta(1000)).isEqualTo(1.0);
        assertThat(schedule.beta(1_000_000)).isEqualTo(1.0);
    }

    @Test
    void zeroStepsMeansFullCorrectionFromTheStart() {
        assertThat(new BetaSchedule(0.4, 0).beta(0)).isEqualTo(1.0);
    }

    @Test
    void rejectsValuesOutsideTheirRange() {
        assertThatThrownBy(() -> new BetaSchedule(1.5, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beta0 is 1.5; it must be in [0, 1]");
        assertThatThrownBy(() -> new BetaSchedule(0.4, -1))
                .hasMessageContaining("annealSteps is -1; it must be >= 0");
        assertThatThrownBy(() -> new BetaSchedule(0.4, 10).beta(-1))
                .hasMessageContaining("step is -1; it must be >= 0");
    }
}
