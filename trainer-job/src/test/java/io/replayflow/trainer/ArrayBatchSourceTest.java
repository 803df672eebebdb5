package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.replay.sample.BetaSchedule;
import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TrainingBatch;
import io.replayflow.trainer.data.TransitionColumns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ArrayBatchSourceTest {

    private static final TransitionColumns DATA = TestData.randomVectors(8, 3, 2, 1);

    @Test
    void uniformCopiesWholeRowsWithWeightOne() {
        ArrayBatchSource source = ArrayBatchSource.uniform(DATA, new SeededRandom(3));
        try (TrainingBatch batch = new TrainingBatch(DATA.spec(), 5)) {
            source.fill(batch);
            for (int j = 0; j < 5; j++) {
                int row = batch.rowIds()[j];
                assertThat(java.util.Arrays.copyOfRange(batch.obs(), j * 3, j * 3 + 3))
                        .containsExactly(DATA.obs(row));
                assertThat(batch.actions()[j]).isEqualTo(DATA.action(row));
                assertThat(batch.nStepReturns()[j]).isEqualTo(DATA.nStepReturn(row));
                assertThat(batch.bootstrapDiscounts()[j]).isEqualTo(DATA.bootstrapDiscount(row));
                assertThat(batch.weights()[j]).isEqualTo(1f);
            }
            assertThat(source.wantsTdErrors()).isFalse();
        }
    }

    @Test
    void prioritizedFavoursLargeTdErrors() {
        ArrayBatchSource source =
                ArrayBatchSource.prioritized(
                        DATA, 1.0, new BetaSchedule(1.0, 0), 1e-6, new SeededRandom(3));
        try (TrainingBatch batch = new TrainingBatch(DATA.spec(), 8)) {
            assertThat(source.wantsTdErrors()).isTrue();
            source.fill(batch);
            float[] td = new float[8];
            for (int j = 0; j < 8; j++) {
                td[j] = batch.rowIds()[j] == 5 ? 100f : 0.001f;
            }
            source.onTdErrors(batch, td, 1);
            int hits = 0;
            for (int i = 0; i < 50; i++) {
                source.fill(batch);
                for (int j = 0; j < 8; j++) {
                    if (batch.rowIds()[j] == 5) {
                        hits++;
                        assertThat(batch.weights()[j]).isLessThan(0.01f); // (min p / p_5)^beta
                    }
                }
            }
            assertThat(hits)
                    .isGreaterThan(300); // nearly every draw (unless row 5 was never drawn first)
        }
    }

    @Test
    void anEmptyDatasetIsRefusedWithAHint() {
        TransitionColumns empty = TransitionColumns.builder(TransitionSpec.vector(3, 2)).build();
        assertThatThrownBy(() -> ArrayBatchSource.uniform(empty, new SeededRandom(1)))
                .hasMessageContaining("no transitions to train on");
    }
}
