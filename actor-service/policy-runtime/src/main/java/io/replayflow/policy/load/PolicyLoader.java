package io.replayflow.policy.load;

import io.replayflow.policy.AnnouncedPolicy;
import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.PolicySpec;
import io.replayflow.policy.savedmodel.SavedModelPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an announced policy version into a {@link Policy} a reader may use, or refuses it with a
 * {@link PolicyRejectedException} whose {@link Reason} and message say why. The checks, in order
 * (cheapest first; nothing reaches TensorFlow before the bytes are verified):
 *
 * <ol>
 *   <li>the announcement's obs_shape and num_actions fit the reader's {@link PolicySpec}, when it
 *       has one ({@code SPEC_MISMATCH});
 *   <li>the URI is a local path or {@code file:} URI ({@code UNSUPPORTED_URI}), lies inside the
 *       policy root when one is set ({@link PolicyRoot}, {@code OUTSIDE_POLICY_ROOT}), and the
 *       directory exists ({@code MISSING_ARTIFACT});
 *   <li>{@code replayflow-policy.json} reads and names the announced policy and version ({@code
 *       BAD_MANIFEST});
 *   <li>every file's SHA-256 and the artifact digest match the manifest, and the digest matches the
 *       announcement's {@code sha256} ({@code CHECKSUM_MISMATCH});
 *   <li>the manifest's observation shape and number of actions fit the reader's spec, its dtype is
 *       float32, and it agrees with the announcement ({@code SPEC_MISMATCH});
 *   <li>TensorFlow loads the SavedModel ({@code MODEL_LOAD_FAILED}) and its {@code serving_default}
 *       signature fits ({@code SPEC_MISMATCH}), with a {@code q_values} output if the reader
 *       requires one ({@link #qFunctions});
 *   <li>a recurrent artifact (format 3) is refused by a reader that keeps no state between calls
 *       ({@link #statelessOnly}: the decision service, off-policy evaluation, the replay job's
 *       scorer) with {@code SPEC_MISMATCH}, naming why;
 *   <li>a warm-up call on a batch of probe observations (with zero states for a recurrent policy)
 *       returns valid actions and probabilities, finite next states, and finite Q-values when the
 *       model has them ({@code WARM_UP_FAILED}); this also pays TensorFlow's first-run cost before
 *       the policy is used.
 * </ol>
 *
 * <p>A refused model is closed before the exception leaves.
 *
 * <pre>{@code
 * PolicyLoader loader = PolicyLoader.tensorFlow(spec, resetObservation, numEnvs)
 *         .restrictedTo(PolicyRoot.of(Path.of("/data/policies"), "actor.policy.root"));
 * Policy policy = loader.load(announcement);   // or PolicyRejectedException
 * }</pre>
 *
 * <p>Immutable and serializable (a Flink operator may carry it); thread-safe if the opener is.
 */
public final class PolicyLoader implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyLoader.class);

    /** Rows of the warm-up batch when the reader gives no probe observation. */
    static final int DEFAULT_PROBE_ROWS = 2;

    /** Opens the model of a verified artifact (the SavedModel, in production). */
    @FunctionalInterface
    public interface ModelOpener extends Serializable {
        /**
         * @throws InvalidArtifactException refused as {@code MODEL_LOAD_FAILED}
         * @throws PolicyRejectedException refused with its own reason
         */
        Policy open(Path dir, PolicyManifest manifest, long version)
                throws InvalidArtifactException, PolicyRejectedException;
    }

    private final PolicySpec spec; // null: whatever the announcement says
    private final float[] probeObservation; // null: zeros
    private final int probeRows;
    private final ModelOpener opener;
    private final PolicyRoot policyRoot; // null: any local path
    private final boolean requireQValues;
    private final String statelessReader; // null: recurrent policies accepted; else who refuses

    /**
     * @param spec the observations and actions the reader has (e.g. an actor's environment)
     * @param probeObservation one observation of that spec, e.g. a reset observation
     * @param probeRows batch size of the warm-up call; the reader's batch size, so TensorFlow sees
     *     the production shape before the policy is used
     * @param opener opens the model once the artifact is verified
     */
    public PolicyLoader(
            PolicySpec spec, float[] probeObservation, int probeRows, ModelOpener opener) {
        this(
                Objects.requireNonNull(spec, "spec"),
                checkProbe(spec, probeObservation),
                probeRows,
                opener,
                null,
                false,
                null);
    }

    private PolicyLoader(
            PolicySpec spec,
            float[] probeObservation,
            int probeRows,
            ModelOpener opener,
            PolicyRoot policyRoot,
            boolean requireQValues,
            String statelessReader) {
        this.spec = spec;
        this.probeObservation = probeObservation;
        this.opener = Objects.requireNonNull(opener, "opener");
        this.policyRoot = policyRoot;
        this.requireQValues = requireQValues;
        this.statelessReader = statelessReader;
        if (probeRows < 1) {
            throw new IllegalArgumentException("probeRows must be >= 1; got " + probeRows);
        }
        this.probeRows = probeRows;
    }

    /** A loader that opens SavedModels with TensorFlow Java for a reader of {@code spec}. */
    public static PolicyLoader tensorFlow(
            PolicySpec spec, float[] probeObservation, int probeRows) {
        return new PolicyLoader(spec, probeObservation, probeRows, SavedModelPolicy::open);
    }

    /**
     * A loader for a reader that takes any spec the announcement states (the replay job's scorer):
     * warms up on a batch of zero observations, restricted to {@code root}, requiring Q-values of a
     * feed-forward policy (a transition is scored alone, without its episode's state).
     */
    public static PolicyLoader qFunctions(PolicyRoot root, ModelOpener opener) {
        return new PolicyLoader(
                null,
                null,
                DEFAULT_PROBE_ROWS,
                opener,
                Objects.requireNonNull(root),
                true,
                "the replay job scores each transition alone, without its episode's state");
    }

    /** {@link #qFunctions} opening SavedModels with TensorFlow Java. */
    public static PolicyLoader tensorFlowQFunctions(PolicyRoot root) {
        return qFunctions(root, SavedModelPolicy::open);
    }

    /**
     * A loader like this one that refuses announced artifacts outside {@code root} ({@code
     * OUTSIDE_POLICY_ROOT}); {@link #loadDirectory} is not restricted (its caller names the path).
     */
    public PolicyLoader restrictedTo(PolicyRoot root) {
        return new PolicyLoader(
                spec,
                probeObservation,
                probeRows,
                opener,
                Objects.requireNonNull(root, "root"),
                requireQValues,
                statelessReader);
    }

    /**
     * A loader like this one that refuses recurrent artifacts ({@code SPEC_MISMATCH}), for a reader
     * that cannot keep a state per episode.
     *
     * @param why what the reader does instead, completing "refused: ...", e.g. {@code "the decision
     *     service answers each request alone and keeps no recurrent state between them"}
     */
    public PolicyLoader statelessOnly(String why) {
        return new PolicyLoader(
                spec,
                probeObservation,
                probeRows,
                opener,
                policyRoot,
                requireQValues,
                Objects.requireNonNull(why, "why"));
    }

    /** The root announced artifacts must lie in, if any. */
    public Optional<PolicyRoot> policyRoot() {
        return Optional.ofNullable(policyRoot);
    }

    /** The reader's spec, if it has one. */
    public Optional<PolicySpec> spec() {
        return Optional.ofNullable(spec);
    }

    /** Loads an announced version: every check above, against the announced digest. */
    public Policy load(PolicyVersion announced) throws PolicyRejectedException {
        return load(AnnouncedPolicy.of(announced));
    }

    /** Loads an announced version: every check above, against the announced digest. */
    public Policy load(AnnouncedPolicy announced) throws PolicyRejectedException {
        String what = announced.describe();
        if (spec != null) {
            checkSpec(announced.obsShape(), announced.numActions(), what + " (announcement)");
        }
        Path dir = resolve(announced.uri(), what);
        if (policyRoot != null) {
            policyRoot.check(dir, announced.uri(), what);
        }
        return load(dir, announced, what);
    }

    /**
     * Loads an artifact directory directly (for evaluation), verified against its own manifest; the
     * policy gets the manifest's version.
     */
    public Policy loadDirectory(Path dir) throws PolicyRejectedException {
        return load(dir, null, "policy artifact " + dir);
    }

    private Policy load(Path dir, AnnouncedPolicy announced, String what)
            throws PolicyRejectedException {
        if (!Files.isDirectory(dir)) {
            throw new PolicyRejectedException(
                    Reason.MISSING_ARTIFACT,
                    what
                            + ": artifact directory "
                            + dir
                            + (Files.exists(dir) ? " is not a directory" : " does not exist")
                            + "; readers load it from a file system they share with the"
                            + " trainer: check the URI and that the artifact was written there");
        }
        PolicyManifest manifest = readManifest(dir, what);
        if (announced != null
                && (manifest.version() != announced.version()
                        || !Objects.equals(manifest.policyName(), announced.policyName()))) {
            throw new PolicyRejectedException(
                    Reason.BAD_MANIFEST,
                    what
                            + ": "
                            + dir.resolve(PolicyManifest.FILE_NAME)
                            + " describes policy '"
                            + manifest.policyName()
                            + "' v"
                            + manifest.version()
                            + " but the announcement says '"
                            + announced.policyName()
                            + "' v"
                            + announced.version()
                            + ": the URI points at another artifact");
        }
        try {
            manifest.verify(dir, announced == null ? null : announced.sha256());
        } catch (InvalidArtifactException e) {
            throw new PolicyRejectedException(
                    Reason.CHECKSUM_MISMATCH, what + ": " + e.getMessage(), e);
        }
        if (spec != null) {
            checkSpec(manifest.obsShape(), manifest.numActions(), what + " (manifest)");
        }
        checkManifestSpec(manifest, announced, what);
        if (statelessReader != null && manifest.isRecurrent()) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " is recurrent ("
                            + manifest.recurrent().cell()
                            + ", "
                            + manifest.recurrent().units()
                            + " units: each step needs the state of its episode's previous step)"
                            + " and this reader cannot keep one: "
                            + statelessReader
                            + "; use a feed-forward policy here, or act with the recurrent one"
                            + " through actors or evaluate, which keep a state per episode");
        }
        long version = manifest.version();
        Policy policy;
        long started = System.nanoTime();
        try {
            policy = opener.open(dir, manifest, version);
        } catch (PolicyRejectedException e) {
            throw new PolicyRejectedException(e.reason(), what + ": " + e.getMessage(), e);
        } catch (InvalidArtifactException | RuntimeException e) {
            throw new PolicyRejectedException(
                    Reason.MODEL_LOAD_FAILED, what + ": " + e.getMessage(), e);
        }
        long opened = System.nanoTime();
        try {
            warmUp(policy, manifest, dir, what);
        } catch (PolicyRejectedException | RuntimeException e) {
            policy.close();
            throw e;
        }
        LOG.debug(
                "{} loaded from {}: opened in {} ms, warmed up in {} ms",
                what,
                dir,
                (opened - started) / 1_000_000,
                (System.nanoTime() - opened) / 1_000_000);
        return policy;
    }

    private static PolicyManifest readManifest(Path dir, String what)
            throws PolicyRejectedException {
        try {
            return PolicyManifest.readFrom(dir);
        } catch (InvalidArtifactException e) {
            throw new PolicyRejectedException(Reason.BAD_MANIFEST, what + ": " + e.getMessage(), e);
        }
    }

    /** Against the reader's spec. */
    private void checkSpec(List<Integer> obsShape, int numActions, String what)
            throws PolicyRejectedException {
        if (!spec.observationShape().equals(obsShape)) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " expects observations of shape "
                            + obsShape
                            + " but "
                            + spec.name()
                            + " gives "
                            + spec.observationShape()
                            + ": publish a policy trained on "
                            + spec.name()
                            + ", or run the readers on the environment it was trained for");
        }
        if (numActions != spec.numActions()) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " chooses among "
                            + numActions
                            + " actions but "
                            + spec.name()
                            + " has "
                            + spec.numActions()
                            + ": publish a policy trained on "
                            + spec.name());
        }
    }

    /** The manifest's dtype, and its agreement with the announcement when there is one. */
    private static void checkManifestSpec(
            PolicyManifest manifest, AnnouncedPolicy announced, String what)
            throws PolicyRejectedException {
        if (manifest.obsDtype() != null && !manifest.obsDtype().equals("float32")) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " takes observations of dtype "
                            + manifest.obsDtype()
                            + "; readers feed float32: export the policy for float32"
                            + " observations");
        }
        boolean consistent =
                !manifest.obsShape().isEmpty()
                        && manifest.numActions() >= 1
                        && (announced == null
                                || (manifest.obsShape().equals(announced.obsShape())
                                        && manifest.numActions() == announced.numActions()));
        if (!consistent) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + (announced == null
                                    ? " has"
                                    : " was announced with observations "
                                            + announced.obsShape()
                                            + " and "
                                            + announced.numActions()
                                            + " actions;")
                            + " its manifest says "
                            + manifest.obsShape()
                            + " ("
                            + manifest.obsDtype()
                            + ") and "
                            + manifest.numActions()
                            + ": republish the artifact with a consistent announcement (float32"
                            + " observations, >= 1 action)");
        }
    }

    private void warmUp(Policy policy, PolicyManifest manifest, Path dir, String what)
            throws PolicyRejectedException {
        String against = spec != null ? spec.name() : "its manifest";
        int numActions = manifest.numActions();
        int size = manifest.obsShape().stream().reduce(1, Math::multiplyExact);
        if (policy.numActions() != numActions || policy.observationSize() != size) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " opened with "
                            + policy.numActions()
                            + " actions and observations of "
                            + policy.observationSize()
                            + " floats; "
                            + against
                            + " needs "
                            + numActions
                            + " and "
                            + size);
        }
        if (requireQValues && !policy.hasQValues()) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + ": the serving signature of "
                            + dir
                            + " has no tensor 'q_values': scoring feeds 'obs' and fetches"
                            + " 'q_values'; export the Q-values");
        }
        float[] probe = new float[probeRows * size];
        if (probeObservation != null) {
            for (int row = 0; row < probeRows; row++) {
                System.arraycopy(probeObservation, 0, probe, row * size, size);
            }
        }
        String probeName =
                "a probe batch of " + probeRows + (probeObservation == null ? " zeros" : "");
        int[] actions = new int[probeRows];
        float[] probs = new float[probeRows];
        float[] state = new float[probeRows * policy.stateSize()]; // zeros: a first step
        try {
            policy.act(probe, state, probeRows, actions, probs, state);
        } catch (RuntimeException e) {
            throw new PolicyRejectedException(
                    Reason.WARM_UP_FAILED,
                    what + " failed on " + probeName + ": " + e.getMessage(),
                    e);
        }
        for (int i = 0; i < probeRows; i++) {
            if (actions[i] < 0 || actions[i] >= numActions) {
                throw new PolicyRejectedException(
                        Reason.WARM_UP_FAILED,
                        what
                                + " chose action "
                                + actions[i]
                                + " on the probe observation; "
                                + against
                                + " has actions 0 to "
                                + (numActions - 1));
            }
            if (!(probs[i] > 0f && probs[i] <= 1f)) {
                throw new PolicyRejectedException(
                        Reason.WARM_UP_FAILED,
                        what
                                + " gave its action probability "
                                + probs[i]
                                + " on the probe observation; it must be in (0, 1]");
            }
        }
        for (float v : state) {
            if (!Float.isFinite(v)) {
                throw new PolicyRejectedException(
                        Reason.WARM_UP_FAILED,
                        what + " returned the next-state value " + v + " for a probe observation");
            }
        }
        if (policy.hasQValues()) {
            float[] values = new float[probeRows * numActions];
            try {
                policy.qValues(probe, probeRows, values);
            } catch (RuntimeException e) {
                throw new PolicyRejectedException(
                        Reason.WARM_UP_FAILED,
                        what + " failed on " + probeName + ": " + e.getMessage(),
                        e);
            }
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new PolicyRejectedException(
                            Reason.WARM_UP_FAILED,
                            what + " returned the Q-value " + v + " for a probe observation");
                }
            }
        }
    }

    private static float[] checkProbe(PolicySpec spec, float[] probeObservation) {
        int size = spec.observationSize();
        if (probeObservation == null || probeObservation.length != size) {
            throw new IllegalArgumentException(
                    "probeObservation must hold one "
                            + spec.name()
                            + " observation of "
                            + size
                            + " floats; got "
                            + (probeObservation == null ? "null" : probeObservation.length));
        }
        return probeObservation.clone();
    }

    /** A local path or {@code file:} URI to a path. */
    static Path resolve(String uri, String what) throws PolicyRejectedException {
        if (uri == null || uri.isBlank()) {
            throw new PolicyRejectedException(
                    Reason.UNSUPPORTED_URI, what + " was announced without an artifact URI");
        }
        try {
            if (uri.startsWith("file:")) {
                return Path.of(URI.create(uri));
            }
            if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                throw new PolicyRejectedException(
                        Reason.UNSUPPORTED_URI,
                        what
                                + " lives at "
                                + uri
                                + "; policies are loaded with TensorFlow Java from a local or"
                                + " mounted file system (file: URIs or paths): mount that storage"
                                + " or copy the artifact to a shared file system");
            }
            return Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new PolicyRejectedException(
                    Reason.UNSUPPORTED_URI,
                    what + " has an artifact URI that is not a valid path: " + uri,
                    e);
        }
    }
}
