package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicySnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainer.policy.ema-decay}: the exported weights are {@code avg_0 = w_0}, {@code avg_t = d
 * avg_(t-1) + (1 - d) w_t} over the online weights {@code w_t} after each step, for the online
 * network and the loss's extra networks (BCQ's imitation network); training itself is unchanged.
 */
@Timeout(60)
class PolicyAverageTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);
    private static final int STEPS = 3;
    private static final PolicyManifest.Lineage LINEAGE =
            new PolicyManifest.Lineage(List.of("test"), null, null, 0, List.of());

    @TempDir Path root;

    private static TrainerConfig config(String algo, String decay) {
        Map<String, String> raw = new HashMap<>();
        raw.put("trainer.algo", algo);
        raw.put("trainer.hidden", "3");
        raw.put("trainer.batch-size", "2");
        raw.put("trainer.lr", "0.05");
        raw.put("trainer.policy.ema-decay", decay);
        return TrainerConfig.fromMap(raw);
    }

    /** {@code read(trainer)} before the first step and after each of {@link #STEPS} steps. */
    private static List<List<float[]>> trajectory(
            Trainer trainer, Function<Trainer, List<float[]>> read) {
        List<List<float[]>> out = new ArrayList<>();
        out.add(copy(read.apply(trainer)));
        for (int t = 0; t < STEPS; t++) {
            trainer.step(FixedBatchSource.twoStates());
            out.add(copy(read.apply(trainer)));
        }
        return out;
    }

    private static List<float[]> copy(List<float[]> weights) {
        return weights.stream().map(float[]::clone).toList();
    }

    /** The moving average of {@code trajectory} computed here, in double precision. */
    private static List<double[]> average(List<List<float[]>> trajectory, double d) {
        List<double[]> avg = new ArrayList<>();
        for (float[] w : trajectory.get(0)) {
            double[] a = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                a[i] = w[i];
            }
            avg.add(a);
        }
        for (List<float[]> step : trajectory.subList(1, trajectory.size())) {
            for (int v = 0; v < avg.size(); v++) {
                for (int i = 0; i < avg.get(v).length; i++) {
                    avg.get(v)[i] = d * avg.get(v)[i] + (1 - d) * step.get(v)[i];
                }
            }
        }
        return avg;
    }

    private static void assertClose(List<float[]> actual, List<double[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int v = 0; v < expected.size(); v++) {
            for (int i = 0; i < expected.get(v).length; i++) {
                assertThat((double) actual.get(v)[i])
                        .as("variable %d element %d", v, i)
                        .isCloseTo(expected.get(v)[i], within(1e-5));
            }
        }
    }

    @Test
    void theExportedWeightsAreTheMovingAverageOfTheOnlineWeightsAfterEachStep() {
        try (Trainer trainer = Trainer.create(config("double-dqn", "0.6"), SPEC)) {
            List<List<float[]>> online = trajectory(trainer, Trainer::onlineWeights);
            assertThat(online.get(STEPS).get(0)).isNotEqualTo(online.get(0).get(0));
            List<float[]> exported = trainer.exportedWeights();
            assertClose(exported, average(online, 0.6));
            // the average lags: it is neither the last iterate nor the first
            assertThat(exported.get(0)).isNotEqualTo(online.get(STEPS).get(0));
            assertThat(exported.get(0)).isNotEqualTo(online.get(0).get(0));
            assertThat(trainer.snapshot(LINEAGE).weights().get(0)).containsExactly(exported.get(0));
        }
    }

    @Test
    void averagingDoesNotChangeTraining() {
        List<List<float[]>> plain;
        try (Trainer trainer = Trainer.create(config("double-dqn", "0"), SPEC)) {
            plain = trajectory(trainer, Trainer::onlineWeights);
            // without the key the exported weights are the online ones
            assertThat(trainer.exportedWeights().get(0)).containsExactly(plain.get(STEPS).get(0));
        }
        try (Trainer trainer = Trainer.create(config("double-dqn", "0.9"), SPEC)) {
            List<List<float[]>> averaged = trajectory(trainer, Trainer::onlineWeights);
            for (int v = 0; v < plain.get(STEPS).size(); v++) {
                assertThat(averaged.get(STEPS).get(v)).containsExactly(plain.get(STEPS).get(v));
            }
        }
    }

    @Test
    void bcqExportsTheAverageOfItsImitationNetworkToo() {
        try (Trainer trainer = Trainer.create(config("bcq", "0.5"), SPEC)) {
            List<List<float[]>> aux = new ArrayList<>();
            List<List<float[]>> online = new ArrayList<>();
            aux.add(copy(trainer.auxWeights()));
            online.add(copy(trainer.onlineWeights()));
            for (int t = 0; t < STEPS; t++) {
                trainer.step(FixedBatchSource.twoStates());
                aux.add(copy(trainer.auxWeights()));
                online.add(copy(trainer.onlineWeights()));
            }
            assertThat(aux.get(STEPS).get(0)).isNotEqualTo(aux.get(0).get(0));
            PolicySnapshot snapshot = trainer.snapshot(LINEAGE);
            assertClose(snapshot.weights(), average(online, 0.5));
            assertClose(snapshot.actionFilter().imitationWeights(), average(aux, 0.5));
        }
    }

    @Test
    void aCheckpointKeepsTheAverage() throws Exception {
        TrainerConfig config = config("double-dqn", "0.6");
        CheckpointStore store = new CheckpointStore(root.resolve("checkpoints"), 1);
        FixedBatchSource source = FixedBatchSource.twoStates();
        List<float[]> saved;
        try (Trainer trainer = Trainer.create(config, SPEC)) {
            trajectory(trainer, Trainer::onlineWeights);
            saved = copy(trainer.exportedWeights());
            trainer.saveCheckpoint(store, source);
        }
        try (Trainer resumed = Trainer.create(config, SPEC)) {
            assertThat(resumed.restoreLatest(store, source)).isTrue();
            List<float[]> restored = resumed.exportedWeights();
            for (int v = 0; v < saved.size(); v++) {
                assertThat(restored.get(v)).containsExactly(saved.get(v));
            }
        }
    }

    @Test
    void aCheckpointWrittenWithoutTheAverageResumesWithTheAverageStartedThere() throws Exception {
        CheckpointStore store = new CheckpointStore(root.resolve("checkpoints"), 1);
        FixedBatchSource source = FixedBatchSource.twoStates();
        List<float[]> online;
        List<float[]> target;
        try (Trainer trainer = Trainer.create(config("double-dqn", "0"), SPEC)) {
            trajectory(trainer, Trainer::onlineWeights);
            online = copy(trainer.onlineWeights());
            target = copy(trainer.targetWeights());
            trainer.saveCheckpoint(store, source);
        }
        try (Trainer resumed = Trainer.create(config("double-dqn", "0.6"), SPEC)) {
            assertThat(resumed.restoreLatest(store, source)).isTrue();
            assertThat(resumed.globalStep()).isEqualTo(STEPS);
            for (int v = 0; v < online.size(); v++) {
                assertThat(resumed.onlineWeights().get(v)).containsExactly(online.get(v));
                assertThat(resumed.targetWeights().get(v)).containsExactly(target.get(v));
                assertThat(resumed.exportedWeights().get(v)).containsExactly(online.get(v));
            }
            // and it trains on from there, averaging as usual
            resumed.step(source);
            assertThat(resumed.exportedWeights().get(0)).isNotEqualTo(online.get(0));
        }
    }

    @Test
    void cqlAndBcqAverageByDefaultAndTheOthersDoNot() {
        for (String algo : List.of("cql", "bcq")) {
            assertThat(TrainerConfig.fromMap(Map.of("trainer.algo", algo)).policyEmaDecay())
                    .as(algo)
                    .isEqualTo(0.9998);
        }
        for (String algo : List.of("dqn", "double-dqn", "qr-dqn", "iql", "bc", "a2c")) {
            assertThat(TrainerConfig.fromMap(Map.of("trainer.algo", algo)).policyEmaDecay())
                    .as(algo)
                    .isZero();
        }
        assertThat(
                        TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.algo", "cql",
                                                "trainer.policy.ema-decay", "0"))
                                .policyEmaDecay())
                .isZero();
    }

    @Test
    void badDecaysNameTheKey() {
        assertThatThrownBy(() -> config("double-dqn", "1"))
                .hasMessage(
                        "trainer.policy.ema-decay=1.0 is invalid: must be in [0, 1) (0 exports the"
                                + " last step's weights), or -1 for the algorithm's own"
                                + " (Algo.defaultPolicyEmaDecay), e.g. 0.9998");
        assertThatThrownBy(
                        () ->
                                TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.algo", "a2c",
                                                "trainer.policy.ema-decay", "0.99")))
                .hasMessageStartingWith("trainer.policy.ema-decay=0.99 is invalid: applies to");
    }
}
