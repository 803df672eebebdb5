package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.data.ArrayBatchSource;
import io.replayflow.trainer.data.TransitionColumns;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Every algorithm, on vector and image observations: two training steps, export, reload the
 * SavedModel, and get the same Q-values and actions as the training graph (for IQL also with an
 * ensemble of three policy networks, {@code trainer.iql.policies=3}; for QR-DQN the exported
 * q_values are the mean of its quantiles, one value per action; with {@code trainer.dueling} the
 * exported graph combines the value and the advantages itself).
 */
@Timeout(120)
class AlgorithmContractTest {

    @TempDir Path root;

    static Stream<Arguments> algorithms() {
        return Stream.of(
                Arguments.of("dqn", "mlp", 1),
                Arguments.of("double-dqn", "mlp", 1),
                Arguments.of("double-dqn", "mlp bounded", 1),
                Arguments.of("qr-dqn", "mlp", 1),
                Arguments.of("qr-dqn", "minatar", 1),
                Arguments.of("iql", "mlp bounded", 1),
                Arguments.of("cql", "mlp", 1),
                Arguments.of("double-dqn", "mlp dueling", 1),
                Arguments.of("cql", "nature-cnn dueling", 1),
                Arguments.of("bc", "mlp", 1),
                Arguments.of("iql", "mlp", 1),
                Arguments.of("iql", "mlp", 3),
                Arguments.of("bcq", "mlp", 1),
                Arguments.of("iql", "nature-cnn", 1),
                Arguments.of("dqn", "nature-cnn", 1),
                Arguments.of("cql", "nature-cnn", 1),
                Arguments.of("dqn", "minatar", 1),
                Arguments.of("double-dqn", "minatar", 1));
    }

    @ParameterizedTest(name = "{0} {1} policies={2}")
    @MethodSource("algorithms")
    void trainsExportsAndReloadsToTheSameActions(String algo, String network, int policies)
            throws Exception {
        // "mlp bounded": the MLP over declared observation bounds (trainer.obs-bounds), which
        // the exported graph must apply itself: the same actions from raw observations
        String bounds = network.equals("mlp bounded") ? "-1:1,-inf:inf,0:4,-2:0.5" : "";
        // "dueling": V(s) and advantages combined in the graph (trainer.dueling)
        boolean dueling = network.endsWith(" dueling");
        network = network.split(" ")[0];
        boolean images = !network.equals("mlp");
        boolean minAtar = network.equals("minatar");
        TransitionColumns data =
                minAtar
                        ? TestData.randomImages(16, 10, 3, 5)
                        : images
                                ? TestData.randomImages(16, 36, 3, 5)
                                : TestData.randomVectors(64, 4, 3, 5);
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo",
                                algo,
                                "trainer.network",
                                network,
                                "trainer.batch-size",
                                "4",
                                "trainer.lr",
                                "0.01",
                                "trainer.iql.policies",
                                String.valueOf(policies),
                                "trainer.policy.name",
                                "contract",
                                "trainer.obs-bounds",
                                bounds,
                                "trainer.dueling",
                                String.valueOf(dueling)));
        int count = 5;
        float[] obs =
                TestData.observations(
                        count, data.spec().obsSize(), 9, minAtar ? 1f : images ? 255f : 2f);
        try (Trainer trainer = Trainer.create(config, data.spec())) {
            ArrayBatchSource source = ArrayBatchSource.of(data, config);
            StepMetrics first = trainer.step(source);
            StepMetrics second = trainer.step(source);
            assertThat(second.step()).isEqualTo(2);
            assertThat(first.totalLoss()).isFinite();
            assertThat(second.totalLoss()).isFinite();

            PolicyArtifact artifact =
                    trainer.export(
                            new PolicyExporter(
                                    root, InstantSource.fixed(Instant.ofEpochMilli(1234))),
                            source.lineage(),
                            0);

            assertThat(artifact.dir()).isEqualTo(root.resolve("policies/contract/1"));
            assertThat(artifact.version()).isEqualTo(1);
            PolicyManifest manifest = PolicyManifest.readFrom(artifact.dir());
            manifest.verify(artifact.dir(), artifact.sha256());
            assertThat(manifest.algo()).isEqualTo(algo);
            assertThat(manifest.trainStep()).isEqualTo(2);
            assertThat(manifest.createdAtMs()).isEqualTo(1234);
            assertThat(manifest.numActions()).isEqualTo(3);
            assertThat(manifest.obsShape()).isEqualTo(data.spec().obsShape());
            assertThat(manifest.lineage().transitions()).isEqualTo(data.size());
            assertThat(manifest.config()).containsEntry("trainer.algo", algo);
            assertThat(manifest.config()).containsEntry("trainer.obs-bounds", bounds);
            assertThat(Files.list(root.resolve("policies/contract")))
                    .noneMatch(p -> p.getFileName().toString().startsWith(".tmp"));

            float[] expectedQ = trainer.qValues(obs, count);
            long[] expectedActions = trainer.greedyActions(obs, count);
            try (SavedModelBundle bundle = SavedModelBundle.load(artifact.dir().toString());
                    TFloat32 in = TFloat32.tensorOf(Shape.of(data.spec().batchShape(count)))) {
                in.asRawTensor().data().asFloats().write(obs);
                try (Result out = bundle.function("serving_default").call(Map.of("obs", in))) {
                    TFloat32 q = (TFloat32) out.get("q_values").orElseThrow();
                    TInt64 actions = (TInt64) out.get("action").orElseThrow();
                    assertThat(q.shape()).isEqualTo(Shape.of(count, 3));
                    assertThat(actions.shape()).isEqualTo(Shape.of(count));
                    float[] gotQ = new float[count * 3];
                    q.asRawTensor().data().asFloats().read(gotQ);
                    long[] gotActions = new long[count];
                    actions.asRawTensor().data().asLongs().read(gotActions);
                    assertThat(gotActions).containsExactly(expectedActions);
                    for (int i = 0; i < gotQ.length; i++) {
                        assertThat(gotQ[i]).isCloseTo(expectedQ[i], within(1e-5f));
                    }
                }
            }
        }
    }
}
