package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TrainProgressTest {

    private static final StepMetrics AT_2000 =
            new StepMetrics(2_000, 0.5f, 0.4f, 0.1f, 12.5f, 1f, Float.NaN, false);

    @Test
    void rateCountsOnlyThisRunsSteps() {
        // resumed at step 1,000; 2 s later, at step 2,000: 500 steps/s, not 1,000
        TrainProgress p = TrainProgress.since(1_000, 0, 2_000_000_000L, AT_2000, 3_000);
        assertThat(p.stepsPerSecond()).isEqualTo(500.0);
        assertThat(p.step()).isEqualTo(2_000);
        assertThat(p.targetStep()).isEqualTo(3_000);
    }

    @Test
    void rateIsZeroBeforeAnyTimePassed() {
        assertThat(TrainProgress.since(1_000, 7, 7, AT_2000, 3_000).stepsPerSecond()).isZero();
    }
}
