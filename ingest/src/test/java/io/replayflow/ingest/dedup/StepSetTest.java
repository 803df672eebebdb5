package io.replayflow.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StepSetTest {

    @Test
    void inOrderStepsCostOneLong() {
        StepSet steps = new StepSet();
        for (long s = 0; s < 500; s++) {
            assertThat(steps.add(s)).isTrue();
        }
        assertThat(steps.prefix).isEqualTo(500);
        assertThat(steps.above).isEmpty();
        assertThat(steps.add(499)).isFalse();
        assertThat(steps.add(0)).isFalse();
        assertThat(steps.size()).isEqualTo(500);
    }

    @Test
    void earlyStepsWaitAboveThePrefixAndAreAbsorbedWhenTheGapCloses() {
        StepSet steps = new StepSet();
        assertThat(steps.add(3)).isTrue();
        assertThat(steps.add(1)).isTrue();
        assertThat(steps.add(3)).isFalse();
        assertThat(steps.above).containsExactly(1, 3);
        assertThat(steps.hasAllBelow(1)).isFalse();

        assertThat(steps.add(0)).isTrue();
        assertThat(steps.prefix).isEqualTo(2);
        assertThat(steps.above).containsExactly(3);
        assertThat(steps.add(2)).isTrue();
        assertThat(steps.prefix).isEqualTo(4);
        assertThat(steps.above).isEmpty();
        assertThat(steps.hasAllBelow(4)).isTrue();
        assertThat(steps.size()).isEqualTo(4);
    }

    @Test
    void aHugeStepNumberIsStoredNotExpanded() {
        StepSet steps = new StepSet();
        assertThat(steps.add(1_000_000_000_000L)).isTrue();
        assertThat(steps.add(1_000_000_000_000L)).isFalse();
        assertThat(steps.above).hasSize(1);
    }
}
