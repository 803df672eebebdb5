package io.replayflow.policy.testing;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.ArtifactDigest;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A fixed-weight recurrent actor-critic for tests: one LSTM cell (Hochreiter &amp; Schmidhuber,
 * 1997) over the observation, then linear logits and value heads. It writes itself as a format-3
 * policy artifact with the recurrent contract's names (SavedModel built from raw TF Java ops, plus
 * {@code replayflow-policy.json} with {@code recurrent = lstm(units)}) and steps itself in plain
 * Java ({@link #step}), so a test checks the runtime's state handling against an independent
 * computation.
 *
 * <p>The cell, with x the observation, h and c the state (each {@code [units]}), σ the logistic
 * function and ⊙ the elementwise product:
 *
 * <pre>
 *   i  = σ(x·W_i + h·U_i + b_i)      f = σ(x·W_f + h·U_f + b_f)
 *   g  = tanh(x·W_g + h·U_g + b_g)   o = σ(x·W_o + h·U_o + b_o)
 *   c' = f ⊙ c + i ⊙ g               h' = o ⊙ tanh(c')
 *   logits = h'·V + v                value = h'·w + u
 * </pre>
 *
 * Signature {@code serving_default}: inputs {@code obs [batch, obsSize]}, {@code state_h} and
 * {@code state_c [batch, units]}; outputs {@code logits [batch, numActions]}, {@code value
 * [batch]}, {@code action [batch]} (argmax of the logits), {@code next_state_h}, {@code
 * next_state_c}. Policy kind {@code stochastic}.
 */
public final class LstmPolicy {
    private static final String[] GATES = {"i", "f", "g", "o"};

    private final int obsSize;
    private final int units;
    private final int numActions;
    private final float[][][] w; // [gate][obsSize][units]
    private final float[][][] u; // [gate][units][units]
    private final float[][] b; // [gate][units]
    private final float[][] headLogits; // [units][numActions]
    private final float[] headLogitsBias; // [numActions]
    private final float[][] headValue; // [units][1]
    private final float headValueBias;

    private LstmPolicy(
            int obsSize,
            int units,
            int numActions,
            float[][][] w,
            float[][][] u,
            float[][] b,
            float[][] headLogits,
            float[] headLogitsBias,
            float[][] headValue,
            float headValueBias) {
        this.obsSize = obsSize;
        this.units = units;
        this.numActions = numActions;
        this.w = w;
        this.u = u;
        this.b = b;
        this.headLogits = headLogits;
        this.headLogitsBias = headLogitsBias;
        this.headValue = headValue;
        this.headValueBias = headValueBias;
    }

    /**
     * Seeded Gaussian weights of scale {@code scale / sqrt(fan-in)}; a scale near 3 makes the
     * policy's action probabilities depend strongly on its state.
     */
    public static LstmPolicy random(
            int obsSize, int units, int numActions, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][][] w = new float[4][][];
        float[][][] u = new float[4][][];
        float[][] b = new float[4][];
        for (int gate = 0; gate < 4; gate++) {
            w[gate] = matrix(rng, obsSize, units, scale);
            u[gate] = matrix(rng, units, units, scale);
            b[gate] = matrix(rng, 1, units, 0.5)[0];
        }
        return new LstmPolicy(
                obsSize,
                units,
                numActions,
                w,
                u,
                b,
                matrix(rng, units, numActions, scale),
                matrix(rng, 1, numActions, 0.5)[0],
                matrix(rng, units, 1, 1.0),
                (float) rng.nextGaussian());
    }

    private static float[][] matrix(SplittableRandom rng, int in, int out, double scale) {
        float[][] m = new float[in][out];
        double s = scale / Math.sqrt(in);
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                m[r][c] = (float) (rng.nextGaussian() * s);
            }
        }
        return m;
    }

    public int observationSize() {
        return obsSize;
    }

    public int units() {
        return units;
    }

    public int numActions() {
        return numActions;
    }

    /** Floats of state per row: {@code [h | c]}. */
    public int stateSize() {
        return 2 * units;
    }

    /**
     * One step of the cell in double precision, the way the graph computes it.
     *
     * @param state {@code [h | c]} of the previous step (zeros at an episode's first step)
     * @param nextState receives {@code [h' | c']}
     * @return the logits {@code [numActions]}
     */
    public double[] step(float[] obs, double[] state, double[] nextState) {
        double[] z = new double[4 * units];
        for (int gate = 0; gate < 4; gate++) {
            for (int j = 0; j < units; j++) {
                double sum = b[gate][j];
                for (int k = 0; k < obsSize; k++) {
                    sum += obs[k] * w[gate][k][j];
                }
                for (int k = 0; k < units; k++) {
                    sum += state[k] * u[gate][k][j];
                }
                z[gate * units + j] = sum;
            }
        }
        double[] h = new double[units];
        for (int j = 0; j < units; j++) {
            double i = sigmoid(z[j]);
            double f = sigmoid(z[units + j]);
            double g = Math.tanh(z[2 * units + j]);
            double o = sigmoid(z[3 * units + j]);
            double c = f * state[units + j] + i * g;
            h[j] = o * Math.tanh(c);
            nextState[units + j] = c;
        }
        System.arraycopy(h, 0, nextState, 0, units);
        double[] logits = new double[numActions];
        for (int a = 0; a < numActions; a++) {
            double sum = headLogitsBias[a];
            for (int j = 0; j < units; j++) {
                sum += h[j] * headLogits[j][a];
            }
            logits[a] = sum;
        }
        return logits;
    }

    /** {@code softmax(logits)[action]} in double. */
    public static double probability(double[] logits, int action) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        return Math.exp(logits[action] - max) / sum;
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** Exports the model to {@code dir} (must not exist yet) and writes its format-3 manifest. */
    public PolicyManifest write(Path dir, String policyName, long version) throws IOException {
        Files.createDirectories(dir.getParent());
        export(dir);
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        PolicyManifest manifest =
                new PolicyManifest(
                        PolicyManifest.RECURRENT_FORMAT_VERSION,
                        policyName,
                        version,
                        "test-lstm",
                        Map.of("kind", "fixed-weight test LSTM"),
                        List.of(obsSize),
                        "float32",
                        numActions,
                        PolicyManifest.Signature.stochastic(),
                        String.format(
                                "0x%016x",
                                SingleObjectSerde.forClass(Transition.class).fingerprint()),
                        version * 100,
                        System.currentTimeMillis(),
                        new PolicyManifest.Lineage(List.of("test"), null, null, 0L, List.of()),
                        files,
                        ArtifactDigest.combine(files),
                        PolicyManifest.STOCHASTIC,
                        PolicyManifest.Recurrent.lstm(units));
        manifest.writeTo(dir);
        return manifest;
    }

    private void export(Path dir) throws IOException {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> obs =
                    tf.withName("obs")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, obsSize)));
            Placeholder<TFloat32> stateH =
                    tf.withName("state_h")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, units)));
            Placeholder<TFloat32> stateC =
                    tf.withName("state_c")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, units)));
            @SuppressWarnings("unchecked")
            Operand<TFloat32>[] z = new Operand[4];
            for (int gate = 0; gate < 4; gate++) {
                Operand<TFloat32> wg =
                        tf.withName("w_" + GATES[gate]).variable(tf.constant(w[gate]));
                Operand<TFloat32> ug =
                        tf.withName("u_" + GATES[gate]).variable(tf.constant(u[gate]));
                Operand<TFloat32> bg =
                        tf.withName("b_" + GATES[gate]).variable(tf.constant(b[gate]));
                z[gate] =
                        tf.math.add(
                                tf.math.add(
                                        tf.linalg.matMul(obs, wg), tf.linalg.matMul(stateH, ug)),
                                bg);
            }
            Operand<TFloat32> i = tf.math.sigmoid(z[0]);
            Operand<TFloat32> f = tf.math.sigmoid(z[1]);
            Operand<TFloat32> g = tf.math.tanh(z[2]);
            Operand<TFloat32> o = tf.math.sigmoid(z[3]);
            Operand<TFloat32> c =
                    tf.withName("next_state_c").math.add(tf.math.mul(f, stateC), tf.math.mul(i, g));
            Operand<TFloat32> h = tf.withName("next_state_h").math.mul(o, tf.math.tanh(c));
            Operand<TFloat32> logits =
                    tf.withName("logits")
                            .math
                            .add(
                                    tf.linalg.matMul(h, tf.variable(tf.constant(headLogits))),
                                    tf.variable(tf.constant(headLogitsBias)));
            Operand<TFloat32> value =
                    tf.withName("value")
                            .math
                            .add(
                                    tf.linalg.matMul(h, tf.variable(tf.constant(headValue))),
                                    tf.constant(headValueBias));
            Operand<TFloat32> valueFlat =
                    tf.withName("value_flat").reshape(value, tf.constant(new long[] {-1}));
            Operand<TInt64> action =
                    tf.withName("action").math.argMax(logits, tf.constant(1), TInt64.class);
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(dir.toString())
                        .withTags("serve")
                        .withSession(session)
                        .withSignature(
                                Signature.builder(Signature.DEFAULT_KEY)
                                        .methodName("tensorflow/serving/predict")
                                        .input("obs", obs)
                                        .input("state_h", stateH)
                                        .input("state_c", stateC)
                                        .output("logits", logits)
                                        .output("value", valueFlat)
                                        .output("action", action)
                                        .output("next_state_h", h)
                                        .output("next_state_c", c)
                                        .build())
                        .export();
            }
        }
    }
}
