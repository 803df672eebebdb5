package io.replayflow.cli.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CollectRequestTest {

    private static CollectRequest request(EpsilonSchedule epsilon, long transitions) {
        return new CollectRequest(
                Path.of("data"),
                "CartPole-v1",
                Behaviour.CARTPOLE_HAND,
                epsilon,
                transitions,
                16,
                1,
                4,
                Duration.ofSeconds(2),
                Duration.ofMinutes(5));
    }

    @Test
    void aConstantIsWrittenAsItsNumberAndIsItsOwnFinalEpsilon() {
        CollectRequest r = request(EpsilonSchedule.constant(0.3), 160);
        assertThat(r.epsilonText()).isEqualTo("0.3");
        assertThat(r.finalEpsilon()).isEqualTo(0.3);
    }

    @Test
    void aLinearScheduleIsWrittenInTheFlagsFormAndEndsWhereItHasArrivedAtTheLastStep() {
        // 1.0 -> 0.0 over 200 steps, 160 logged: the last step (159) is at 1 - 159/200 = 0.205
        CollectRequest r = request(EpsilonSchedule.linear(1.0, 0.0, 200), 160);
        assertThat(r.epsilonText()).isEqualTo("1.0:0.0:200");
        assertThat(r.finalEpsilon()).isCloseTo(0.205, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void theConstantConstructorKeepsItsMessage() {
        assertThatThrownBy(
                        () ->
                                new CollectRequest(
                                        Path.of("data"),
                                        "CartPole-v1",
                                        Behaviour.CARTPOLE_HAND,
                                        1.5,
                                        160,
                                        16,
                                        1,
                                        4,
                                        Duration.ofSeconds(2),
                                        Duration.ofMinutes(5)))
                .hasMessage("--epsilon 1.5 must be a probability in [0, 1], e.g. 0.65");
    }
}
