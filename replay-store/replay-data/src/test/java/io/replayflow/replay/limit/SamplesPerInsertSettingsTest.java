package io.replayflow.replay.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SamplesPerInsertSettingsTest {

    @Test
    void refusesAToleranceThatLetsBothSidesBlock() {
        // Batches of 256 and inserts of 32 rows at 4 samples per insert need
        // 2 * tolerance >= 256 + 4 * 32 = 384, so tolerance >= 192.
        assertThatThrownBy(() -> new SamplesPerInsertSettings(4.0, 100.0, 1000, 256, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tolerance is 100.0 samples")
                .hasMessageContaining(
                        "2 * tolerance >= maxSampleBatch + samplesPerInsert * maxInsertBatch")
                .hasMessageContaining("needs at least 192.0")
                .hasMessageContaining("can both block forever")
                .hasMessageContaining("Raise tolerance to 192.0 or more");
        assertThat(new SamplesPerInsertSettings(4.0, 192.0, 1000, 256, 32).tolerance())
                .isEqualTo(192.0);
    }

    @Test
    void refusesAToleranceBelowOneBatchEvenWithTinyInserts() {
        assertThatThrownBy(() -> new SamplesPerInsertSettings(1.0, 10.0, 1, 64, 1))
                .hasMessageContaining("needs at least 32.5");
    }

    @Test
    void refusesNonPositiveOrNonFiniteRatios() {
        assertThatThrownBy(() -> new SamplesPerInsertSettings(0.0, 100.0, 10, 8, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("samplesPerInsert is 0.0; it must be finite and > 0");
        assertThatThrownBy(() -> new SamplesPerInsertSettings(-2.0, 100.0, 10, 8, 8))
                .hasMessageContaining("samplesPerInsert is -2.0");
        assertThatThrownBy(() -> new SamplesPerInsertSettings(Double.NaN, 100.0, 10, 8, 8))
                .hasMessageContaining("samplesPerInsert is NaN");
    }

    @Test
    void refusesAMinSizeBelowOneAndEmptyBatches() {
        assertThatThrownBy(() -> new SamplesPerInsertSettings(1.0, 100.0, 0, 8, 8))
                .hasMessageContaining("minSizeToSample is 0; it must be >= 1")
                .hasMessageContaining("use 1 to sample as early as possible");
        assertThatThrownBy(() -> new SamplesPerInsertSettings(1.0, 100.0, 10, 0, 8))
                .hasMessageContaining("maxSampleBatch is 0; it must be >= 1");
        assertThatThrownBy(() -> new SamplesPerInsertSettings(1.0, 100.0, 10, 8, -1))
                .hasMessageContaining("maxInsertBatch is -1; it must be >= 1");
    }
}
