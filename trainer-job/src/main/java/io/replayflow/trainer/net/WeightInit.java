package io.replayflow.trainer.net;

import io.replayflow.trainer.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Initial weights, drawn in Java from a seed so that they are the same on every platform and
 * device: kernels and biases uniform in {@code [-1/sqrt(fan_in), 1/sqrt(fan_in)]} (PyTorch's
 * default for {@code Linear} and {@code Conv2d}, which CleanRL's DQN uses).
 */
public final class WeightInit {

    private WeightInit() {}

    /** One array per variable of {@code net}, row-major in the variable's shape. */
    public static List<float[]> fanInUniform(QNetwork net, long seed) {
        List<Variable<TFloat32>> vars = net.variables();
        int[] fanIns = net.fanIns();
        List<float[]> values = new ArrayList<>(vars.size());
        for (int i = 0; i < vars.size(); i++) {
            SeededRandom rng = SeededRandom.derive(seed, i);
            float bound = (float) (1.0 / Math.sqrt(fanIns[i]));
            float[] v = new float[Math.toIntExact(vars.get(i).shape().size())];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) rng.nextDouble(-bound, bound);
            }
            values.add(v);
        }
        return values;
    }
}
