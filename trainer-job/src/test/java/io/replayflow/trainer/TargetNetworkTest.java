package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TransitionColumns;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Gradients reach only the online network; target updates copy or average exactly. */
@Timeout(60)
class TargetNetworkTest {

    private static final TransitionColumns DATA = TestData.randomVectors(64, 4, 2, 3);

    private static Trainer trainer(String period, String tau) {
        return Trainer.create(
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", "cql",
                                "trainer.hidden", "8",
                                "trainer.batch-size", "16",
                                "trainer.lr", "0.01",
                                "trainer.target.update-period", period,
                                "trainer.target.tau", tau)),
                DATA.spec());
    }

    @Test
    void aTrainingStepChangesOnlyTheOnlineNetwork() {
        try (Trainer trainer = trainer("1000", "1.0")) {
            List<float[]> online0 = trainer.onlineWeights();
            List<float[]> target0 = trainer.targetWeights();
            assertSame(target0, online0); // the initial hard copy

            StepMetrics m = trainer.step(ArrayBatchSource.uniform(DATA, new SeededRandom(1)));

            assertThat(m.targetUpdated()).isFalse();
            assertSame(trainer.targetWeights(), target0);
            for (int i = 0; i < online0.size(); i++) {
                assertThat(trainer.onlineWeights().get(i)).isNotEqualTo(online0.get(i));
            }
        }
    }

    @Test
    void hardUpdateCopiesTheUpdatedOnlineNetworkAtThePeriod() {
        try (Trainer trainer = trainer("2", "1.0")) {
            ArrayBatchSource source = ArrayBatchSource.uniform(DATA, new SeededRandom(1));
            List<float[]> target0 = trainer.targetWeights();
            assertThat(trainer.step(source).targetUpdated()).isFalse();
            assertSame(trainer.targetWeights(), target0);

            StepMetrics second = trainer.step(source);

            assertThat(second.targetUpdated()).isTrue();
            assertThat(trainer.lastTargetUpdateStep()).isEqualTo(2);
            assertSame(trainer.targetWeights(), trainer.onlineWeights()); // after the update
        }
    }

    @Test
    void polyakAveragesWithTau() {
        try (Trainer trainer = trainer("1", "0.25")) {
            List<float[]> target0 = trainer.targetWeights();

            trainer.step(ArrayBatchSource.uniform(DATA, new SeededRandom(1)));

            List<float[]> online1 = trainer.onlineWeights();
            List<float[]> target1 = trainer.targetWeights();
            for (int i = 0; i < target1.size(); i++) {
                for (int j = 0; j < target1.get(i).length; j++) {
                    float expected = 0.25f * online1.get(i)[j] + 0.75f * target0.get(i)[j];
                    assertThat(target1.get(i)[j]).isCloseTo(expected, within(1e-6f));
                }
            }
        }
    }

    private static void assertSame(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i)).containsExactly(expected.get(i));
        }
    }
}
