package io.replayflow.policy.testing;

import io.replayflow.schemas.avro.Lineage;
import io.replayflow.schemas.avro.PolicyVersion;
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
 * A fixed-weight Q-network for tests and benchmarks: dense layers {@code h = relu(h · W_l + b_l)},
 * the last one linear ({@code q_values}, {@code [batch, numActions]}). It writes itself as a
 * complete policy artifact (SavedModel with the standard serving signature, built from raw TF Java
 * ops, plus {@code replayflow-policy.json}) and evaluates itself in plain Java ({@link #q}), so a
 * test can check the job's numbers against an independent computation.
 */
public final class MlpPolicy {

    private final float[][][] weights; // per layer [in][out]
    private final float[][] biases; // per layer [out]

    /**
     * @param weights per layer {@code [in][out]}; each layer's in is the previous one's out
     * @param biases per layer {@code [out]}
     */
    public MlpPolicy(float[][][] weights, float[][] biases) {
        this.weights = weights;
        this.biases = biases;
    }

    /** One linear layer: {@code q = obs · W + b}. */
    public static MlpPolicy linear(float[][] w, float[] b) {
        return new MlpPolicy(new float[][][] {w}, new float[][] {b});
    }

    /** Layers {@code obsSize → hidden... → numActions} with seeded weights of scale 1/sqrt(in). */
    public static MlpPolicy random(int obsSize, int[] hidden, int numActions, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int layers = hidden.length + 1;
        float[][][] w = new float[layers][][];
        float[][] b = new float[layers][];
        int in = obsSize;
        for (int l = 0; l < layers; l++) {
            int out = l < hidden.length ? hidden[l] : numActions;
            w[l] = new float[in][out];
            b[l] = new float[out];
            double scale = 1.0 / Math.sqrt(in);
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    w[l][i][o] = (float) (rng.nextGaussian() * scale);
                }
            }
            for (int o = 0; o < out; o++) {
                b[l][o] = (float) (rng.nextGaussian() * 0.1);
            }
            in = out;
        }
        return new MlpPolicy(w, b);
    }

    public int observationSize() {
        return weights[0].length;
    }

    public int numActions() {
        return biases[biases.length - 1].length;
    }

    /** Q-values of one observation, in double, the way the graph computes them. */
    public double[] q(float[] obs) {
        double[] h = new double[obs.length];
        for (int i = 0; i < obs.length; i++) {
            h[i] = obs[i];
        }
        for (int l = 0; l < weights.length; l++) {
            double[] next = new double[biases[l].length];
            for (int o = 0; o < next.length; o++) {
                double sum = biases[l][o];
                for (int i = 0; i < h.length; i++) {
                    sum += h[i] * weights[l][i][o];
                }
                next[o] = l < weights.length - 1 ? Math.max(0.0, sum) : sum;
            }
            h = next;
        }
        return h;
    }

    /** Exports the model to {@code dir} (must not exist yet) and writes its manifest. */
    public PolicyManifest write(Path dir, String policyName, long version) throws IOException {
        Files.createDirectories(dir.getParent());
        export(dir);
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        PolicyManifest manifest =
                new PolicyManifest(
                        PolicyManifest.FORMAT_VERSION,
                        policyName,
                        version,
                        "test-mlp",
                        Map.of("kind", "fixed-weight test network"),
                        List.of(observationSize()),
                        "float32",
                        numActions(),
                        PolicyManifest.Signature.standard(),
                        String.format(
                                "0x%016x",
                                SingleObjectSerde.forClass(Transition.class).fingerprint()),
                        version * 100,
                        System.currentTimeMillis(),
                        new PolicyManifest.Lineage(List.of("test"), null, null, 0L, List.of()),
                        files,
                        ArtifactDigest.combine(files));
        manifest.writeTo(dir);
        return manifest;
    }

    /**
     * The {@code rf.policies} record announcing {@code manifest} at {@code dir}: every field
     * (lineage included) from the manifest, as the trainer's publisher fills it.
     */
    public static PolicyVersion announcement(PolicyManifest manifest, Path dir) {
        PolicyManifest.Lineage from = manifest.lineage();
        Lineage lineage =
                new Lineage(
                        from.sources(),
                        from.eventTimeFromMs(),
                        from.eventTimeToMs(),
                        from.transitions(),
                        from.behaviorPolicyVersions());
        return new PolicyVersion(
                manifest.policyName(),
                manifest.version(),
                dir.toAbsolutePath().toUri().toString(),
                manifest.sha256(),
                manifest.algo(),
                manifest.obsShape(),
                manifest.numActions(),
                manifest.trainStep(),
                manifest.createdAtMs(),
                lineage,
                Map.of());
    }

    private void export(Path dir) throws IOException {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> obs =
                    tf.withName("obs")
                            .placeholder(
                                    TFloat32.class,
                                    Placeholder.shape(Shape.of(-1, observationSize())));
            Operand<TFloat32> h = obs;
            for (int l = 0; l < weights.length; l++) {
                Operand<TFloat32> w = tf.withName("w" + l).variable(tf.constant(weights[l]));
                Operand<TFloat32> b = tf.withName("b" + l).variable(tf.constant(biases[l]));
                Operand<TFloat32> z = tf.math.add(tf.linalg.matMul(h, w), b);
                h = l < weights.length - 1 ? tf.nn.relu(z) : z;
            }
            Operand<TFloat32> q = tf.withName("q_values").identity(h);
            Operand<TInt64> action =
                    tf.withName("action").math.argMax(q, tf.constant(1), TInt64.class);
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(dir.toString())
                        .withTags("serve")
                        .withSession(session)
                        .withSignature(
                                Signature.builder(Signature.DEFAULT_KEY)
                                        .methodName("tensorflow/serving/predict")
                                        .input("obs", obs)
                                        .output("q_values", q)
                                        .output("action", action)
                                        .build())
                        .export();
            }
        }
    }
}
