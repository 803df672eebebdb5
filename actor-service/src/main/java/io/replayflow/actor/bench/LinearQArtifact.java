package io.replayflow.actor.bench;

import io.replayflow.policy.savedmodel.SavedModelPolicy;
import io.replayflow.schemas.avro.Lineage;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.policy.ArtifactDigest;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * Writes a complete policy artifact (SavedModel + {@code replayflow-policy.json}) whose Q-function
 * is linear, {@code q_values = obs · W + b} ({@code [batch, numActions]}) and {@code action =
 * argmax(q_values)} ({@code [batch]}, int64), under the standard signature {@code serving_default}
 * with input {@code obs}. W and b are variables, so the artifact has the same files as a trained
 * one ({@code saved_model.pb}, {@code variables/...}).
 *
 * <p>For benchmarks and tests, which need real SavedModels without training: {@link
 * #writeConstantAction} makes a policy that always picks one action. The trainer exports real
 * models with the same signature.
 */
public final class LinearQArtifact {

    /** The {@code algo} written into synthetic manifests. */
    public static final String ALGO = "linear-q";

    private LinearQArtifact() {}

    /**
     * Exports the model to {@code dir} (created; must not hold an artifact yet) and writes its
     * manifest.
     *
     * @param weights [observationSize][numActions]
     * @param bias [numActions]
     * @return the manifest written
     */
    public static PolicyManifest write(
            Path dir,
            String policyName,
            long version,
            List<Integer> obsShape,
            float[][] weights,
            float[] bias)
            throws IOException {
        return write(dir, policyName, version, obsShape, weights, bias, true);
    }

    /**
     * As {@link #write(Path, String, long, List, float[][], float[])}; with {@code withAction}
     * false the signature has only {@code q_values} (the actor then takes the argmax itself).
     */
    public static PolicyManifest write(
            Path dir,
            String policyName,
            long version,
            List<Integer> obsShape,
            float[][] weights,
            float[] bias,
            boolean withAction)
            throws IOException {
        int obsSize = obsShape.stream().reduce(1, Math::multiplyExact);
        int numActions = bias.length;
        if (weights.length != obsSize || weights[0].length != numActions) {
            throw new IllegalArgumentException(
                    "weights must be [" + obsSize + "][" + numActions + "] for obs " + obsShape);
        }
        Files.createDirectories(dir.getParent());
        export(dir, obsShape, weights, bias, withAction);
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        PolicyManifest manifest =
                new PolicyManifest(
                        PolicyManifest.FORMAT_VERSION,
                        policyName,
                        version,
                        ALGO,
                        Map.of("kind", "synthetic linear Q-function"),
                        obsShape,
                        "float32",
                        numActions,
                        PolicyManifest.Signature.standard(),
                        String.format(
                                "0x%016x",
                                SingleObjectSerde.forClass(Transition.class).fingerprint()),
                        0L,
                        System.currentTimeMillis(),
                        new PolicyManifest.Lineage(List.of("synthetic"), null, null, 0L, List.of()),
                        files,
                        ArtifactDigest.combine(files));
        manifest.writeTo(dir);
        return manifest;
    }

    /** A policy for {@code spec} whose greedy action is always {@code action}: W = 0, b = e_a. */
    public static PolicyManifest writeConstantAction(
            Path dir, String policyName, long version, EnvSpec spec, int action)
            throws IOException {
        spec.requireValidAction(action);
        float[][] weights = new float[spec.observationSize()][spec.numActions()];
        float[] bias = new float[spec.numActions()];
        bias[action] = 1.0f;
        return write(dir, policyName, version, spec.observationShape(), weights, bias);
    }

    /** The {@code rf.policies} record announcing an artifact written here. */
    public static PolicyVersion announcement(PolicyManifest manifest, Path dir) {
        return PolicyVersion.newBuilder()
                .setPolicyName(manifest.policyName())
                .setVersion(manifest.version())
                .setUri(dir.toAbsolutePath().toUri().toString())
                .setSha256(manifest.sha256())
                .setAlgo(manifest.algo())
                .setObsShape(manifest.obsShape())
                .setNumActions(manifest.numActions())
                .setTrainStep(manifest.trainStep())
                .setCreatedAtMs(manifest.createdAtMs())
                .setLineage(
                        Lineage.newBuilder()
                                .setSources(List.of("synthetic"))
                                .setTransitions(0L)
                                .setBehaviorPolicyVersions(List.of())
                                .build())
                .setMetrics(Map.of())
                .build();
    }

    private static void export(
            Path dir, List<Integer> obsShape, float[][] weights, float[] bias, boolean withAction)
            throws IOException {
        int obsSize = weights.length;
        long[] inputShape = new long[obsShape.size() + 1];
        inputShape[0] = -1;
        for (int d = 0; d < obsShape.size(); d++) {
            inputShape[d + 1] = obsShape.get(d);
        }
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> obs =
                    tf.withName("obs")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(inputShape)));
            Operand<TFloat32> flat =
                    obsShape.size() == 1
                            ? obs
                            : tf.reshape(obs, tf.constant(new long[] {-1, obsSize}));
            Operand<TFloat32> w = tf.withName("w").variable(tf.constant(weights));
            Operand<TFloat32> b = tf.withName("b").variable(tf.constant(bias));
            Operand<TFloat32> q = tf.withName("q_values").math.add(tf.linalg.matMul(flat, w), b);
            Operand<TInt64> action =
                    tf.withName("action").math.argMax(q, tf.constant(1), TInt64.class);
            try (Session session = new Session(graph)) {
                session.initialize();
                Signature.Builder signature =
                        Signature.builder(Signature.DEFAULT_KEY)
                                .methodName("tensorflow/serving/predict")
                                .input("obs", obs)
                                .output("q_values", q);
                if (withAction) {
                    signature.output("action", action);
                }
                SavedModelBundle.exporter(dir.toString())
                        .withTags(SavedModelPolicy.SERVE_TAG)
                        .withSession(session)
                        .withSignature(signature.build())
                        .export();
            }
        }
    }
}
