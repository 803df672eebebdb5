package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.checkpoint.SettingChange;
import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TransitionColumns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer restarted from a checkpoint continues as if it had never stopped: same step count, same
 * target schedule, same batches, same next losses.
 */
@Timeout(60)
class CheckpointResumeTest {

    private static final TransitionColumns DATA = TestData.randomVectors(256, 4, 2, 11);

    @TempDir Path dir;

    private static TrainerConfig config(String algo) {
        return TrainerConfig.fromMap(
                Map.of(
                        "trainer.algo", algo,
                        "trainer.hidden", "16,16",
                        "trainer.batch-size", "8",
                        "trainer.lr", "0.01",
                        "trainer.target.update-period", "3",
                        "trainer.seed", "5",
                        "trainer.threads.intra-op", "1",
                        "trainer.threads.inter-op", "1"));
    }

    @Test
    void resumedRunMatchesAnUninterruptedOne() throws Exception {
        TrainerConfig config = config("cql");
        CheckpointStore store = new CheckpointStore(dir, 2);

        List<Float> uninterrupted = new ArrayList<>();
        try (Trainer trainer = Trainer.create(config, DATA.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(DATA, config);
            for (int i = 0; i < 4; i++) {
                trainer.step(source);
            }
            trainer.saveCheckpoint(store, source); // at step 4, between target updates (3, 6)
            for (int i = 0; i < 4; i++) {
                uninterrupted.add(trainer.step(source).totalLoss());
            }
        }

        List<Float> resumed = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        try (Trainer trainer = Trainer.create(config, DATA.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(DATA, config);
            assertThat(trainer.restoreLatest(store, source)).isTrue();
            assertThat(trainer.globalStep()).isEqualTo(4);
            assertThat(trainer.lastTargetUpdateStep()).isEqualTo(3);
            assertThat(trainer.samplesSeen()).isEqualTo(32);
            for (int i = 0; i < 4; i++) {
                StepMetrics m = trainer.step(source);
                resumed.add(m.totalLoss());
                steps.add(m.step());
            }
            assertThat(trainer.lastTargetUpdateStep()).isEqualTo(6);
        }

        assertThat(steps).containsExactly(5L, 6L, 7L, 8L);
        assertThat(resumed).containsExactlyElementsOf(uninterrupted);
    }

    @Test
    void keepsTheNewestCheckpointsAndNoPartialOnes() throws Exception {
        TrainerConfig config = config("dqn");
        CheckpointStore store = new CheckpointStore(dir, 2);
        try (Trainer trainer = Trainer.create(config, DATA.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(DATA, config);
            for (int i = 0; i < 3; i++) {
                trainer.step(source);
                trainer.saveCheckpoint(store, source);
            }
        }
        assertThat(store.checkpoints().stream().map(CheckpointStore::stepOf))
                .containsExactly(2L, 3L);
        assertThat(Files.list(dir)).allMatch(p -> p.getFileName().toString().startsWith("step-"));
        assertThat(store.latest().orElseThrow().resolve("trainer-state.json")).exists();
    }

    @Test
    void refusesACheckpointOfAnotherAlgorithm() throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 1);
        try (Trainer trainer = Trainer.create(config("dqn"), DATA.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(DATA, config("dqn"));
            trainer.step(source);
            trainer.saveCheckpoint(store, source);
        }
        try (Trainer trainer = Trainer.create(config("cql"), DATA.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(DATA, config("cql"));
            assertThatThrownBy(() -> trainer.restoreLatest(store, source))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("was written by algo=dqn")
                    .hasMessageContaining("this trainer is algo=cql")
                    .hasMessageContaining("fresh checkpoint directory");
        }
    }

    /**
     * A CQL checkpoint written with 1-step targets (as every CQL run was before CQL's default
     * became 3), resumed with the default: the trainer says the n-step changed, and nothing about
     * the steps or threads, which a resumed run may change freely.
     */
    @Test
    void reportsTheLearningSettingsThatChangedSinceTheCheckpoint() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(config("cql").toMap());
        settings.put("trainer.n-step", "1");
        TrainerConfig written = TrainerConfig.fromMap(settings);
        CheckpointStore store = new CheckpointStore(dir, 1);
        try (Trainer trainer = Trainer.create(written, DATA.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(DATA, written);
            trainer.step(source);
            trainer.saveCheckpoint(store, source);
        }

        try (Trainer same = Trainer.create(written, DATA.spec())) {
            same.restoreLatest(store, ArrayBatchSource.of(DATA, written));
            assertThat(same.changedOnResume()).isEmpty();
        }

        settings.remove("trainer.n-step"); // the algorithm's own: 3 for CQL
        settings.put("trainer.steps", "90000");
        settings.put("trainer.threads.intra-op", "2");
        settings.put("trainer.lr", "0.001");
        TrainerConfig resumed = TrainerConfig.fromMap(settings);
        try (Trainer trainer = Trainer.create(resumed, DATA.spec())) {
            trainer.restoreLatest(store, ArrayBatchSource.of(DATA, resumed));
            assertThat(trainer.globalStep()).isEqualTo(1);
            assertThat(trainer.changedOnResume())
                    .containsExactly(
                            new SettingChange("trainer.lr", "0.01", "0.001"),
                            new SettingChange("trainer.n-step", "1", "3"));
        }
    }

    @Test
    void nothingToRestoreInAnEmptyDirectory() throws Exception {
        try (Trainer trainer = Trainer.create(config("dqn"), DATA.spec())) {
            assertThat(
                            trainer.restoreLatest(
                                    new CheckpointStore(dir.resolve("none"), 1),
                                    ArrayBatchSource.of(DATA, config("dqn"))))
                    .isFalse();
            assertThat(trainer.globalStep()).isZero();
        }
    }
}
