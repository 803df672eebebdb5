package io.replayflow.replay.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TdPriorityTest {

    @Test
    void bootstrapsWithTheDiscountedMaxUnlessTerminationCutsIt() {
        // G = 1 + 0.9 + 0.81 = 2.71, D = 0.9^3 = 0.729, max_a Q(s_n, a) = 3.5, Q(s, a) = 3:
        // |2.71 + 0.729 * 3.5 - 3| + 0.01 = |5.2615 - 3| + 0.01 = 2.2715
        assertThat(TdPriority.of(2.71, 0.729, false, 3.5, 3.0, 0.01))
                .isCloseTo(2.2715, within(1e-12));
        // cut: the target is G alone: |2.71 - 3| + 0.01 = 0.30
        assertThat(TdPriority.of(2.71, 0.729, true, 3.5, 3.0, 0.01)).isCloseTo(0.30, within(1e-12));
        // an exact prediction leaves epsilon
        assertThat(TdPriority.of(1.0, 0.5, false, 2.0, 2.0, 1e-6)).isEqualTo(1e-6);
    }

    @Test
    void maxQReadsOneRowOfTheFlatArray() {
        float[] q = {1f, 9f, -2f, 4f, 3f, 3.5f}; // 3 actions, 2 rows
        assertThat(TdPriority.maxQ(q, 0, 3)).isEqualTo(9.0);
        assertThat(TdPriority.maxQ(q, 3, 3)).isEqualTo(4.0);
    }

    @Test
    void nanPropagatesForTheCallerToRefuse() {
        assertThat(TdPriority.of(1.0, 0.9, false, Double.NaN, 0.0, 1e-6)).isNaN();
    }
}
