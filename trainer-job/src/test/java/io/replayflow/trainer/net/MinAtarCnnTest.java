package io.replayflow.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.graph.VariableIo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

@Timeout(60)
class MinAtarCnnTest {
    private static final TransitionSpec BREAKOUT = TransitionSpec.image(10, 10, 4, 6);

    @Test
    void hasTheMinAtarPapersLayers() {
        try (Graph graph = new Graph()) {
            QNetwork net = QNetworkSpec.minAtar().build(Ops.create(graph), BREAKOUT);

            // conv 3x3x4 -> 16, dense (8*8*16 = 1024) -> 128, dense 128 -> 6 actions
            assertThat(net.variables().stream().map(v -> v.shape()).toList())
                    .containsExactly(
                            Shape.of(3, 3, 4, 16),
                            Shape.of(16),
                            Shape.of(1024, 128),
                            Shape.of(128),
                            Shape.of(128, 6),
                            Shape.of(6));
            assertThat(net.fanIns()).containsExactly(36, 36, 1024, 1024, 128, 128);
        }
    }

    @Test
    void feedsTheZeroOneImageUnscaled() {
        // All weights 1, biases 0, an all-ones 10x10x4 image: each conv output is the sum of a
        // 3x3x4 window, 36; the dense layer sums 1024 of them, 36864; the output layer sums 128
        // of those: Q = 128 * 36864 = 4718592 for every action (exact in float32). With the
        // 1/255 scaling of the Nature net it would be 4718592 / 255.
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            QNetwork net = QNetworkSpec.minAtar().build(tf.withSubScope("online"), BREAKOUT);
            Operand<TFloat32> q =
                    net.apply(tf, tf.fill(tf.constant(new long[] {1, 10, 10, 4}), tf.constant(1f)));
            VariableIo io = new VariableIo(tf, "io", net.variables());
            session.initialize();
            List<float[]> weights = new ArrayList<>();
            for (int i = 0; i < net.variables().size(); i++) {
                float[] w = new float[(int) net.variables().get(i).shape().size()];
                Arrays.fill(w, i % 2 == 0 ? 1f : 0f);
                weights.add(w);
            }
            io.write(session, weights);

            try (Result result = session.runner().fetch(q).run()) {
                float[] values = new float[6];
                ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(values);
                assertThat(values).containsOnly(4_718_592f);
            }
        }
    }

    @Test
    void refusesVectorObservations() {
        try (Graph graph = new Graph()) {
            assertThatThrownBy(
                            () ->
                                    QNetworkSpec.minAtar()
                                            .build(Ops.create(graph), TransitionSpec.vector(4, 2)))
                    .hasMessage(
                            "trainer.network=minatar needs image observations [H, W, C] with H, W"
                                    + " >= 3 (MinAtar's are [10, 10, C]), got [4]: use"
                                    + " trainer.network=mlp for vector observations");
        }
    }
}
