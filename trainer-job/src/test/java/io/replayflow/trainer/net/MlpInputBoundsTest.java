package io.replayflow.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.env.ObservationBounds;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.graph.VariableIo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

@Timeout(60)
class MlpInputBoundsTest {
    private static final TransitionSpec MOUNTAIN_CAR = TransitionSpec.vector(2, 3);

    @Test
    void mapsEachBoundedComponentOntoMinusOneToOneBeforeTheFirstLayer() {
        // A linear Q (no hidden layer) over MountainCar's bounds [-1.2, 0.6] and [-0.07, 0.07],
        // kernel [[1, 0, 2], [0, 1, 3]] (2 inputs x 3 actions), bias [0, 0, 0.5].
        // obs (-0.3, 0.035): position (-0.3 - (-0.3)) * 2/1.8 = 0; velocity (0.035 - 0) * 2/0.14
        // = 0.5. Q = (0*1 + 0.5*0, 0*0 + 0.5*1, 0*2 + 0.5*3 + 0.5) = (0, 0.5, 2).
        // obs (0.6, -0.07): (1, -1) -> Q = (1, -1, 2 - 3 + 0.5) = (1, -1, -0.5).
        ObservationBounds bounds = ObservationBounds.parse("-1.2:0.6,-0.07:0.07");
        float[] q =
                linearQ(
                        new QNetworkSpec.Mlp(List.of(), bounds),
                        new float[][] {{-0.3f, 0.035f}, {0.6f, -0.07f}});
        assertThat(q)
                .usingComparatorWithPrecision(1e-5f)
                .containsExactly(0f, 0.5f, 2f, 1f, -1f, -0.5f);
    }

    @Test
    void centresWideRangesWithoutNarrowingAndLeavesUnboundedComponents() {
        // First component -inf:inf (shift 0, scale 1), second 0:4 (wider than 2: shift 2,
        // scale 1). obs (7, 3): inputs (7, 1). Q = (7, 1, 7*2 + 1*3 + 0.5) = (7, 1, 17.5).
        float[] q =
                linearQ(
                        new QNetworkSpec.Mlp(List.of(), ObservationBounds.parse("-inf:inf,0:4")),
                        new float[][] {{7f, 3f}});
        assertThat(q).usingComparatorWithPrecision(1e-5f).containsExactly(7f, 1f, 17.5f);
    }

    @Test
    void withoutBoundsTheObservationEntersAsItIs() {
        // obs (-0.3, 0.035) straight into the kernel: Q = (-0.3, 0.035, -0.6 + 0.105 + 0.5).
        float[] q = linearQ(new QNetworkSpec.Mlp(List.of()), new float[][] {{-0.3f, 0.035f}});
        assertThat(q).usingComparatorWithPrecision(1e-5f).containsExactly(-0.3f, 0.035f, 0.005f);
    }

    @Test
    void refusesBoundsThatDoNotFitTheObservation() {
        try (Graph graph = new Graph()) {
            assertThatThrownBy(
                            () ->
                                    new QNetworkSpec.Mlp(
                                                    List.of(64),
                                                    ObservationBounds.parse("-1:1,-1:1,-1:1"))
                                            .build(Ops.create(graph), MOUNTAIN_CAR))
                    .hasMessage(
                            "trainer.obs-bounds gives 3 LOW:HIGH pairs, but the observations are"
                                    + " FLOAT32 of shape [2]: give one pair per float component,"
                                    + " or leave the key empty");
        }
    }

    @Test
    void theTrainerConfigCarriesTheBoundsIntoItsNetworkAndManifest() {
        TrainerConfig config =
                TrainerConfig.fromMap(Map.of("trainer.obs-bounds", "-1.2:0.6, -0.07:0.07"));
        assertThat(config.networkSpec())
                .isEqualTo(
                        new QNetworkSpec.Mlp(
                                List.of(64, 64), ObservationBounds.parse("-1.2:0.6,-0.07:0.07")));
        assertThat(config.toMap()).containsEntry("trainer.obs-bounds", "-1.2:0.6,-0.07:0.07");
        assertThat(TrainerConfig.defaults().toMap()).containsEntry("trainer.obs-bounds", "");
    }

    @Test
    void theTrainerConfigRefusesBoundsWhereNoMlpReadsThem() {
        assertThatThrownBy(
                        () ->
                                TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.obs-bounds", "-1:1",
                                                "trainer.network", "minatar")))
                .hasMessage(
                        "trainer.obs-bounds=-1:1 is invalid: applies to the transition algorithms'"
                                + " MLP (trainer.network=mlp), not trainer.algo=dqn with"
                                + " trainer.network=minatar; remove the key");
        assertThatThrownBy(() -> TrainerConfig.fromMap(Map.of("trainer.obs-bounds", "1:-1")))
                .hasMessage(
                        "trainer.obs-bounds: observation bound of component 0 is 1:-1; it must be"
                                + " LOW:HIGH with LOW < HIGH (-inf and inf for an unbounded"
                                + " side), e.g. -0.07:0.07");
    }

    /** Q of each row of {@code obs} under {@code spec}'s linear Q with the weights above. */
    private static float[] linearQ(QNetworkSpec spec, float[][] obs) {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            QNetwork net = spec.build(tf.withSubScope("online"), MOUNTAIN_CAR);
            Operand<TFloat32> q = net.apply(tf, tf.constant(obs));
            VariableIo io = new VariableIo(tf, "io", net.variables());
            session.initialize();
            io.write(session, List.of(new float[] {1, 0, 2, 0, 1, 3}, new float[] {0, 0, 0.5f}));
            try (Result result = session.runner().fetch(q).run()) {
                float[] values = new float[obs.length * 3];
                ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(values);
                return values;
            }
        }
    }
}
