package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TransitionColumns;
import io.replayflow.trainer.metrics.EventFileReader;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.metrics.TrainerPrometheus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TrainLoopTest {

    @TempDir Path root;

    @Test
    void writesMetricsCheckpointsAndResumesToTheTarget() throws Exception {
        TransitionColumns data = TestData.randomVectors(128, 4, 2, 2);
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", "double-dqn",
                                "trainer.hidden", "8",
                                "trainer.batch-size", "8",
                                "trainer.metrics.period", "10",
                                "trainer.checkpoint.period", "25",
                                "trainer.sampler", "prioritized"));
        CheckpointStore store = new CheckpointStore(root.resolve("checkpoints"), 3);
        List<TrainProgress> progress = new ArrayList<>();
        TrainerPrometheus prometheus = new TrainerPrometheus(Map.of());
        PrometheusRegistry registry = new PrometheusRegistry();
        prometheus.register(registry);
        Path events;
        try (Trainer trainer = Trainer.create(config, data.spec());
                EventFileWriter writer = new EventFileWriter(root.resolve("tb"))) {
            StepMetrics last =
                    TrainLoop.builder(trainer, ArrayBatchSource.of(data, config))
                            .checkpoints(store)
                            .events(writer)
                            .prometheus(prometheus)
                            .progress(progress::add, 0)
                            .build()
                            .run(60);
            assertThat(last.step()).isEqualTo(60);
            assertThat(last.meanAbsTdError()).isFinite(); // prioritized: TD errors fetched
            events = writer.file();
        }
        assertThat(store.checkpoints().stream().map(CheckpointStore::stepOf))
                .containsExactly(25L, 50L, 60L);
        assertThat(EventFileReader.scalars(events))
                .filteredOn(s -> s.tag().equals(TrainerMetrics.LOSS_TD))
                .extracting(EventFileReader.Scalar::step)
                .containsExactly(10L, 20L, 30L, 40L, 50L, 60L);
        assertThat(MetricsTextTest.exposition(registry))
                .contains(
                        "\nreplayflow_trainer_steps_total 60.0\n",
                        "\nreplayflow_trainer_samples_total 480.0\n");
        // what the CLI prints as "step 60/60 (100.0%) | ..."
        assertThat(progress).last().extracting(TrainProgress::step).isEqualTo(60L);
        assertThat(progress).last().extracting(TrainProgress::targetStep).isEqualTo(60L);

        try (Trainer trainer = Trainer.create(config, data.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(data, config);
            assertThat(trainer.restoreLatest(store, source)).isTrue();
            StepMetrics last =
                    TrainLoop.builder(trainer, source).checkpoints(store).build().run(80);
            assertThat(last.step()).isEqualTo(80);
            assertThat(TrainLoop.builder(trainer, source).build().run(80))
                    .isNull(); // already there
        }
        assertThat(store.latest().map(CheckpointStore::stepOf)).contains(80L);
    }
}
