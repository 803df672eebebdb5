package io.replayflow.replay.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.load.PolicyRoot;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.replay.job.ReplayStoreOptions;
import io.replayflow.replay.job.ScoringConfig;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Batching, flushing and restoring of the scoring operator, with a real SavedModel. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TdScoringOperatorTest {

    /** The hand-computed priority of {@link #scorable()} under the linear test model. */
    private static final double EXPECTED = 2.261501;

    @TempDir Path root;
    private PolicyAnnouncement v1;
    private ScoringConfig config;

    @BeforeEach
    void setUp() throws Exception {
        Path dir = root.resolve("p/1");
        PolicyManifest manifest = TransitionScorerTest.LINEAR.write(dir, "p", 1);
        v1 = PolicyAnnouncement.of(MlpPolicy.announcement(manifest, dir));
        config = new ScoringConfig(true, 3, Duration.ofMillis(100), root.toUri(), null, 1e-6);
    }

    private TwoInputStreamOperatorTestHarness<ReplayRow, PolicyAnnouncement, ReplayRow> harness()
            throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(
                new TdScoringOperator(
                        config,
                        PolicyLoader.tensorFlowQFunctions(
                                PolicyRoot.of(
                                        root.toUri(),
                                        ReplayStoreOptions.SCORING_POLICY_ROOT.key()))));
    }

    private static ReplayRow scorable() {
        return TransitionScorerTest.row(new float[] {1f, 2f}, 1, 2.71f, 0.729f, false, 3f, 1f);
    }

    @Test
    void batchesRowsUntilFullOrMaxWaitOrCheckpointAndRestoresThePolicy() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.setup();
            h.open();
            h.setProcessingTime(0);

            h.processElement1(scorable(), 1);
            assertThat(priorities(h))
                    .as("no policy: straight through, unscored")
                    .containsExactly(0.0);

            h.processElement2(v1, 0);
            h.processElement1(scorable(), 2);
            h.processWatermark1(new Watermark(2));
            h.processElement1(scorable(), 3);
            assertThat(h.extractOutputValues()).as("a batch of 3 is not full yet").hasSize(1);
            assertThat(h.getOutput()).noneMatch(e -> e instanceof Watermark);
            h.processElement1(scorable(), 4);
            assertThat(priorities(h).subList(1, 4))
                    .allSatisfy(p -> assertThat(p).isCloseTo(EXPECTED, within(1e-5)));
            assertThat(h.getOutput().stream().toList().get(4))
                    .as("the watermark held behind the batch")
                    .isEqualTo(new Watermark(2));

            h.processElement1(scorable(), 5);
            h.setProcessingTime(99);
            assertThat(h.extractOutputValues()).hasSize(4);
            h.setProcessingTime(100);
            assertThat(h.extractOutputValues()).as("max wait passed").hasSize(5);

            h.processElement1(scorable(), 6);
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).as("flushed before the barrier").hasSize(6);
            snapshot = h.snapshot(1, 1);
            assertThat(priorities(h).subList(4, 6))
                    .allSatisfy(p -> assertThat(p).isCloseTo(EXPECTED, within(1e-5)));
        }

        try (var restored = harness()) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 0; i < 3; i++) {
                restored.processElement1(scorable(), 10 + i);
            }
            assertThat(priorities(restored))
                    .as("the policy in broadcast state is loaded again")
                    .hasSize(3)
                    .allSatisfy(p -> assertThat(p).isCloseTo(EXPECTED, within(1e-5)));
        }
    }

    @Test
    void aRefusedPolicyKeepsThePreviousOneAndTheRestFlushAtTheEnd() throws Exception {
        Path tampered = root.resolve("p/2");
        PolicyManifest manifest = TransitionScorerTest.LINEAR.write(tampered, "p", 2);
        Files.writeString(tampered.resolve("saved_model.pb"), "not a model");
        try (var h = harness()) {
            h.setup();
            h.open();
            h.processElement2(v1, 0);
            h.processElement1(scorable(), 1);
            h.processElement2(PolicyAnnouncement.of(MlpPolicy.announcement(manifest, tampered)), 0);
            h.processElement2(v1, 0); // not newer: ignored
            assertThat(h.extractOutputValues())
                    .as("rows buffered before an announcement go with the policy they met")
                    .hasSize(1);
            h.processElement1(scorable(), 2);
            h.getOperator().finish();
            assertThat(priorities(h))
                    .as("v1 still scores; the last row flushed at the end of input")
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(p).isCloseTo(EXPECTED, within(1e-5)));
        }
    }

    private static List<Double> priorities(
            TwoInputStreamOperatorTestHarness<ReplayRow, PolicyAnnouncement, ReplayRow> h) {
        return h.extractOutputValues().stream().map(r -> r.priority).toList();
    }
}
