package io.replayflow.replay.scoring;

import io.replayflow.replay.scoring.PolicyRejectedException.Reason;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Signature.TensorDescription;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * The Q-values of a policy SavedModel: one session run of the serving signature per call, feeding
 * {@code obs} float32 {@code [rows, ...obs_shape]} and fetching {@code q_values} float32 {@code
 * [rows, num_actions]} (the names come from the manifest's signature, standard ones by default).
 *
 * <p>The session runs every op in the calling thread with one thread per op: the Flink subtask that
 * scores owns one core, and the Q-networks are small. The input tensor is kept and reused while the
 * batch size stays the same. Not thread-safe: owned by one subtask.
 */
public final class SavedModelQFunction implements QFunction {

    /** The tag under which the serving graph is saved. */
    public static final String SERVE_TAG = "serve";

    private static final ConfigProto SESSION_CONFIG =
            ConfigProto.newBuilder()
                    .setInterOpParallelismThreads(-1)
                    .setIntraOpParallelismThreads(1)
                    .build();

    private final SavedModelBundle bundle;
    private final Session session;
    private final long version;
    private final long[] obsShape;
    private final int observationSize;
    private final int numActions;
    private final String input; // graph tensor, e.g. "obs:0"
    private final String output; // graph tensor of q_values
    private TFloat32 feed; // [feedRows, ...obs_shape], reused
    private int feedRows;

    private SavedModelQFunction(
            SavedModelBundle bundle, PolicyManifest manifest, String input, String output) {
        this.bundle = bundle;
        this.session = bundle.session();
        this.version = manifest.version();
        this.obsShape = manifest.obsShape().stream().mapToLong(Integer::longValue).toArray();
        this.observationSize = manifest.obsShape().stream().reduce(1, Math::multiplyExact);
        this.numActions = manifest.numActions();
        this.input = input;
        this.output = output;
    }

    /**
     * Loads the SavedModel in {@code dir} and checks its signature against the manifest.
     *
     * @throws PolicyRejectedException {@code MODEL_LOAD_FAILED} when TensorFlow cannot load it,
     *     {@code SPEC_MISMATCH} when the signature does not fit the manifest
     */
    public static SavedModelQFunction open(Path dir, PolicyManifest manifest)
            throws PolicyRejectedException {
        Objects.requireNonNull(manifest, "manifest");
        PolicyManifest.Signature names =
                Objects.requireNonNullElse(
                        manifest.signature(), PolicyManifest.Signature.standard());
        SavedModelBundle bundle;
        try {
            bundle =
                    SavedModelBundle.loader(dir.toString())
                            .withTags(SERVE_TAG)
                            .withConfigProto(SESSION_CONFIG)
                            .load();
        } catch (RuntimeException | LinkageError e) {
            throw new PolicyRejectedException(
                    Reason.MODEL_LOAD_FAILED,
                    "TensorFlow cannot load the SavedModel in " + dir + ": " + e.getMessage(),
                    e);
        }
        try {
            Signature signature = signature(bundle, names.name(), dir);
            TensorDescription obs =
                    tensor(signature.getInputs().get(names.input()), names.input(), dir);
            TensorDescription q =
                    tensor(signature.getOutputs().get(names.qValues()), names.qValues(), dir);
            checkShape(obs, names.input(), batchOf(manifest.obsShape()), dir);
            checkShape(q, names.qValues(), new long[] {-1, manifest.numActions()}, dir);
            return new SavedModelQFunction(bundle, manifest, obs.name, q.name);
        } catch (PolicyRejectedException | RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public int observationSize() {
        return observationSize;
    }

    @Override
    public int numActions() {
        return numActions;
    }

    @Override
    public void qValues(float[] obs, int rows, float[] qOut) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1; got " + rows);
        }
        if (rows != feedRows) {
            if (feed != null) {
                feed.close();
            }
            long[] dims = new long[obsShape.length + 1];
            dims[0] = rows;
            System.arraycopy(obsShape, 0, dims, 1, obsShape.length);
            feed = TFloat32.tensorOf(Shape.of(dims));
            feedRows = rows;
        }
        feed.asRawTensor().data().asFloats().write(obs, 0, rows * observationSize);
        try (Result result = session.runner().feed(input, feed).fetch(output).run()) {
            Tensor q = result.get(0);
            if (q.shape().size() != (long) rows * numActions) {
                throw new IllegalStateException(
                        "policy v"
                                + version
                                + " returned q_values of shape "
                                + q.shape()
                                + " for "
                                + rows
                                + " observations; expected ["
                                + rows
                                + ", "
                                + numActions
                                + "]");
            }
            q.asRawTensor().data().asFloats().read(qOut, 0, rows * numActions);
        }
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
            feed = null;
            feedRows = 0;
        }
        bundle.close();
    }

    @Override
    public String toString() {
        return "SavedModelQFunction[v" + version + ", " + numActions + " actions]";
    }

    private static Signature signature(SavedModelBundle bundle, String key, Path dir)
            throws PolicyRejectedException {
        for (Signature s : bundle.signatures()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        throw new PolicyRejectedException(
                Reason.SPEC_MISMATCH,
                "the SavedModel in "
                        + dir
                        + " has no signature '"
                        + key
                        + "' (it has "
                        + bundle.signatures().stream().map(Signature::key).toList()
                        + "): export the serving signature the manifest names");
    }

    private static TensorDescription tensor(TensorDescription t, String key, Path dir)
            throws PolicyRejectedException {
        if (t == null) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "the serving signature of "
                            + dir
                            + " has no tensor '"
                            + key
                            + "': scoring feeds 'obs' and fetches 'q_values'");
        }
        if (t.dataType != DataType.DT_FLOAT) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "tensor '" + key + "' of " + dir + " is " + t.dataType + "; expected DT_FLOAT");
        }
        return t;
    }

    /**
     * Checks a signature tensor's shape against {@code expected}, where -1 (in either) matches any
     * size; an unknown rank passes (the warm-up catches what it hides).
     */
    private static void checkShape(TensorDescription t, String key, long[] expected, Path dir)
            throws PolicyRejectedException {
        Shape shape = t.shape;
        if (shape.isUnknown()) {
            return;
        }
        boolean fits = shape.numDimensions() == expected.length;
        for (int d = 0; fits && d < expected.length; d++) {
            long size = shape.get(d);
            fits = size == Shape.UNKNOWN_SIZE || expected[d] < 0 || size == expected[d];
        }
        if (!fits) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    "tensor '"
                            + key
                            + "' of "
                            + dir
                            + " has shape "
                            + shape
                            + " but the manifest implies "
                            + Shape.of(expected)
                            + " (-1: any batch size)");
        }
    }

    /** {@code [-1, ...dims]}. */
    private static long[] batchOf(List<Integer> dims) {
        long[] out = new long[dims.size() + 1];
        out[0] = -1;
        for (int d = 0; d < dims.size(); d++) {
            out[d + 1] = dims.get(d);
        }
        return out;
    }
}
