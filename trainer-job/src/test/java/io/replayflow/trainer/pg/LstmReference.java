package io.replayflow.trainer.pg;

import java.util.List;

/**
 * The LSTM actor-critic computed in plain Java from its weight arrays (the order of {@code
 * RecurrentActorCritic.variables()}): dense ReLU layers, then {@code z = x W_x + h W_h + b} with
 * gates {@code i, f, g, o}, {@code c' = f c + i g}, {@code h' = o tanh(c')}, then the linear head.
 * One row at a time, in double precision: the reference the exported graph is checked against. The
 * recurrent Q-network has the same body with a head of Q-values ({@link #qNetwork}).
 */
public final class LstmReference {

    private final List<float[]> w;
    private final int[] hidden;
    private final int obsDim;
    private final int units;
    private final int outputs; // numActions + 1, or numActions for a Q-network

    LstmReference(List<float[]> weights, int obsDim, int[] hidden, int units, int numActions) {
        this(weights, obsDim, hidden, units, numActions, true);
    }

    private LstmReference(
            List<float[]> weights,
            int obsDim,
            int[] hidden,
            int units,
            int numActions,
            boolean valueHead) {
        this.w = weights;
        this.hidden = hidden;
        this.obsDim = obsDim;
        this.units = units;
        this.outputs = valueHead ? numActions + 1 : numActions;
    }

    /**
     * The recurrent Q-network ({@code RecurrentQNetwork}): a head of {@code numActions} Q-values.
     */
    public static LstmReference qNetwork(
            List<float[]> weights, int obsDim, int[] hidden, int units, int numActions) {
        return new LstmReference(weights, obsDim, hidden, units, numActions, false);
    }

    /**
     * One step: returns the head's output ({@code [logits..., value]}, or the Q-values); {@code h}
     * and {@code c} are updated.
     */
    public double[] step(float[] obs, double[] h, double[] c) {
        double[] x = new double[obsDim];
        for (int i = 0; i < obsDim; i++) {
            x[i] = obs[i];
        }
        int v = 0;
        for (int width : hidden) {
            x = relu(dense(x, w.get(v), w.get(v + 1), width));
            v += 2;
        }
        float[] kx = w.get(v), kh = w.get(v + 1), b = w.get(v + 2);
        double[] z = new double[4 * units];
        for (int j = 0; j < 4 * units; j++) {
            double s = b[j];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * kx[i * 4 * units + j];
            }
            for (int i = 0; i < units; i++) {
                s += h[i] * kh[i * 4 * units + j];
            }
            z[j] = s;
        }
        for (int k = 0; k < units; k++) {
            double in = sigmoid(z[k]);
            double forget = sigmoid(z[units + k]);
            double g = Math.tanh(z[2 * units + k]);
            double out = sigmoid(z[3 * units + k]);
            c[k] = forget * c[k] + in * g;
            h[k] = out * Math.tanh(c[k]);
        }
        return dense(h, w.get(v + 3), w.get(v + 4), outputs);
    }

    private static double[] dense(double[] x, float[] kernel, float[] bias, int out) {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            double s = bias[j];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * kernel[i * out + j];
            }
            y[j] = s;
        }
        return y;
    }

    private static double[] relu(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0, x[i]);
        }
        return x;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
