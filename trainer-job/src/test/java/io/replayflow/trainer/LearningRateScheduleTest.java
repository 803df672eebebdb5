package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code trainer.lr.decay-steps}: the learning rate falls linearly from {@code trainer.lr} to
 * {@code trainer.lr.end} over the global step. Observed through Adam's updates: two trainers from
 * the same weights take the same first step (global step 0: both at lr), so their optimizer states
 * agree, and the second update of every weight differs only by the learning rate it was taken with.
 */
@Timeout(60)
class LearningRateScheduleTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);

    private static FixedBatchSource batch() {
        return FixedBatchSource.twoStates();
    }

    /** The change of every online weight in the second of two steps. */
    private static float[] secondUpdate(Map<String, String> extra) {
        Map<String, String> raw = new HashMap<>(extra);
        raw.put("trainer.algo", "dqn");
        raw.put("trainer.hidden", "");
        raw.put("trainer.batch-size", "2");
        raw.put("trainer.lr", "0.01");
        try (Trainer trainer = Trainer.create(TrainerConfig.fromMap(raw), SPEC)) {
            List<float[]> start = List.of(new float[] {1f, 0.5f, -1f, 2f}, new float[] {0f, 0f});
            trainer.setOnlineWeights(start);
            trainer.setTargetWeights(List.of(new float[] {0.5f, 1f, 1f, 0.4f}, new float[2]));
            trainer.step(batch());
            float[] before = trainer.onlineWeights().get(0).clone();
            trainer.step(batch());
            float[] after = trainer.onlineWeights().get(0);
            float[] delta = new float[before.length];
            for (int i = 0; i < delta.length; i++) {
                delta[i] = after[i] - before[i];
            }
            return delta;
        }
    }

    @Test
    void theSecondStepTakesTheRateOfItsGlobalStep() {
        float[] constant = secondUpdate(Map.of());
        // decay over 2 steps from 0.01 to 0.001: step 0 at 0.01, step 1 at
        // 0.001 + 0.009 * (1 - 1/2) = 0.0055, so every second update is 0.55 of the constant one's
        float[] halfway =
                secondUpdate(Map.of("trainer.lr.decay-steps", "2", "trainer.lr.end", "0.001"));
        // decay over 1 step: step 1 is past the end, held at trainer.lr.end: 0.1 of the constant's
        float[] ended =
                secondUpdate(Map.of("trainer.lr.decay-steps", "1", "trainer.lr.end", "0.001"));
        int moved = 0;
        for (int i = 0; i < constant.length; i++) {
            if (Math.abs(constant[i]) > 1e-6f) {
                moved++;
                assertThat(halfway[i] / constant[i]).isCloseTo(0.55f, within(1e-3f));
                assertThat(ended[i] / constant[i]).isCloseTo(0.1f, within(1e-3f));
            }
        }
        assertThat(moved).as("weights the second step moves").isPositive();
    }

    @Test
    void badSchedulesNameTheKey() {
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.lr.decay-steps", "-1")))
                .hasMessage("trainer.lr.decay-steps=-1 is invalid: must be >= 0 (0: no decay)");
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.lr.end", "-0.1")))
                .hasMessage("trainer.lr.end=-0.1 is invalid: must be finite and >= 0, e.g. 1e-4");
    }
}
