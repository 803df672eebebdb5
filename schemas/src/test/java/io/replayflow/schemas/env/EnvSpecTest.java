package io.replayflow.schemas.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EnvSpecTest {

    @Test
    void computesTheObservationSizeAndCopiesTheShape() {
        List<Integer> shape = new ArrayList<>(List.of(3, 4));
        EnvSpec spec = new EnvSpec("Grid-v0", shape, 5, 100, 1.0);
        shape.set(0, 99);

        assertThat(spec.observationShape()).containsExactly(3, 4);
        assertThat(spec.observationSize()).isEqualTo(12);
        assertThat(spec.randomPolicyBaseline()).isEmpty();
    }

    @Test
    void namesTheBadFieldAndTheFix() {
        assertThatThrownBy(() -> new EnvSpec(" ", List.of(4), 2, 500, 475.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EnvSpec id must be a non-blank name such as \"CartPole-v1\"; got \" \"");
        assertThatThrownBy(() -> new EnvSpec("E-v0", List.of(), 2, 500, 475.0))
                .hasMessage(
                        "EnvSpec observationShape of E-v0 must list at least one dimension, e.g."
                                + " [4] for a 4-vector");
        assertThatThrownBy(() -> new EnvSpec("E-v0", List.of(4, 0), 2, 500, 475.0))
                .hasMessage(
                        "EnvSpec observationShape of E-v0 must have dimensions >= 1; got [4, 0]");
        assertThatThrownBy(() -> new EnvSpec("E-v0", List.of(4), 0, 500, 475.0))
                .hasMessage(
                        "EnvSpec numActions of E-v0 must be >= 1 (actions are 0..numActions-1);"
                                + " got 0");
        assertThatThrownBy(() -> new EnvSpec("E-v0", List.of(4), 2, 0, 475.0))
                .hasMessage(
                        "EnvSpec maxEpisodeSteps of E-v0 must be >= 1 (it is the time limit that"
                                + " truncates an episode); got 0");
        assertThatThrownBy(() -> new EnvSpec("E-v0", List.of(4), 2, 500, Double.NaN))
                .hasMessage(
                        "EnvSpec solvedThreshold of E-v0 must be a finite average return; got NaN");
    }

    @Test
    void requireValidActionNamesTheActionAndTheRange() {
        EnvSpec spec = new EnvSpec("E-v0", List.of(4), 3, 10, 0.0);

        assertThat(spec.requireValidAction(2)).isEqualTo(2);
        assertThatThrownBy(() -> spec.requireValidAction(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("action 3 is out of range for E-v0: valid actions are 0 to 2");
    }
}
