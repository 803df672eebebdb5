package io.replayflow.actor.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EvaluationResultTest {

    @Test
    void statisticsAndJson() {
        // Returns 10, 20, 30: mean 20, population std sqrt((100 + 0 + 100) / 3) = 8.1650.
        EvaluationResult r =
                new EvaluationResult(
                        "CartPole-v1", 4, 42, List.of(10.0, 20.0, 30.0), List.of(10, 20, 30));
        assertThat(r.meanReturn()).isEqualTo(20.0);
        assertThat(r.stdReturn()).isCloseTo(8.16496580927726, within(1e-12));
        assertThat(r.minReturn()).isEqualTo(10.0);
        assertThat(r.maxReturn()).isEqualTo(30.0);
        assertThat(r.meanLength()).isEqualTo(20.0);
        assertThat(r.toJson())
                .isEqualTo(
                        "{\"mean_return\": 20.0, \"std_return\": 8.16496580927726, \"episodes\": 3,"
                                + " \"min_return\": 10.0, \"max_return\": 30.0, \"mean_length\":"
                                + " 20.0, \"env\": \"CartPole-v1\", \"policy_version\": 4,"
                                + " \"seed\": 42}");
        assertThat(r.summary()).startsWith("CartPole-v1, policy v4, 3 episodes (seed 42)");
    }
}
