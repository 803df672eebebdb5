package io.replayflow.replay.priority;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrioritiesTest {

    @Test
    void priorityIsTheAbsoluteTdErrorPlusEpsilon() {
        assertThat(Priorities.fromTdError(-0.5, 0.01)).isEqualTo(0.51);
        assertThat(Priorities.fromTdError(0.25, 0.0)).isEqualTo(0.25);
        assertThat(Priorities.fromTdError(0.0)).isEqualTo(Priorities.DEFAULT_EPSILON);
    }

    @Test
    void aFloatTdErrorGivesTheSameDoubleAsTheTrainerAlwaysSent() {
        float td = -0.1f;
        assertThat(Priorities.fromTdError(td, 1e-6)).isEqualTo(Math.abs(td) + 1e-6);
    }

    @Test
    void nanStaysNanForTheCallerToReject() {
        assertThat(Priorities.fromTdError(Double.NaN)).isNaN();
    }
}
