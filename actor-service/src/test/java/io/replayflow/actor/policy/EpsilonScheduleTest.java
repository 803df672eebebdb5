package io.replayflow.actor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EpsilonScheduleTest {

    @Test
    void constantIsTheSameAtEveryStep() {
        EpsilonSchedule s = EpsilonSchedule.constant(0.05);
        assertThat(s.epsilon(0)).isEqualTo(0.05);
        assertThat(s.epsilon(Long.MAX_VALUE)).isEqualTo(0.05);
    }

    @Test
    void linearGoesFromStartToEndThenStays() {
        // 1.0 -> 0.1 over 1000 steps: at 250, 1.0 - 0.9 * 0.25 = 0.775.
        EpsilonSchedule s = EpsilonSchedule.linear(1.0, 0.1, 1000);
        assertThat(s.epsilon(0)).isEqualTo(1.0);
        assertThat(s.epsilon(250)).isCloseTo(0.775, within(1e-12));
        assertThat(s.epsilon(500)).isCloseTo(0.55, within(1e-12));
        assertThat(s.epsilon(1000)).isEqualTo(0.1);
        assertThat(s.epsilon(5000)).isEqualTo(0.1);
    }

    @Test
    void linearMayAlsoIncrease() {
        assertThat(EpsilonSchedule.linear(0.0, 0.5, 10).epsilon(5)).isEqualTo(0.25);
    }

    @Test
    void rejectsValuesOutsideZeroToOne() {
        assertThatThrownBy(() -> EpsilonSchedule.constant(1.5))
                .hasMessage("epsilon epsilon must be a probability in [0, 1]; got 1.5");
        assertThatThrownBy(() -> EpsilonSchedule.linear(-0.1, 0.1, 10))
                .hasMessage("epsilon start must be a probability in [0, 1]; got -0.1");
        assertThatThrownBy(() -> EpsilonSchedule.constant(Double.NaN))
                .hasMessageContaining("got NaN");
        assertThatThrownBy(() -> EpsilonSchedule.linear(1, 0, 0))
                .hasMessageContaining("decaySteps must be >= 1")
                .hasMessageContaining("Use a constant schedule");
    }

    @Test
    void parsesConstantAndLinearForms() {
        assertThat(EpsilonSchedule.parse("0.05")).isEqualTo(EpsilonSchedule.constant(0.05));
        assertThat(EpsilonSchedule.parse(" 1.0:0.05:100000 "))
                .isEqualTo(EpsilonSchedule.linear(1.0, 0.05, 100_000));
        assertThatThrownBy(() -> EpsilonSchedule.parse("lots"))
                .hasMessage(
                        "epsilon 'lots' is not a number; use a constant such as 0.05, or"
                                + " START:END:DECAY_STEPS such as 1.0:0.05:100000");
        assertThatThrownBy(() -> EpsilonSchedule.parse("1:2"))
                .hasMessageStartingWith("epsilon '1:2' is not understood");
    }
}
