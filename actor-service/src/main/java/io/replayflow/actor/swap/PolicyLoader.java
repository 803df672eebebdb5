package io.replayflow.actor.swap;

import io.replayflow.actor.policy.Policy;
import io.replayflow.actor.policy.SavedModelPolicy;
import io.replayflow.actor.swap.PolicyLoadException.Reason;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an announced {@link PolicyVersion} into a {@link Policy} the actor may act with, or refuses
 * it with a {@link PolicyLoadException} whose {@link Reason} and message say why. The checks, in
 * order (cheapest first, nothing is loaded into TensorFlow before the bytes are verified):
 *
 * <ol>
 *   <li>the announcement's obs_shape and num_actions fit the environment ({@code SPEC_MISMATCH});
 *   <li>the URI is a local path or {@code file:} URI ({@code UNSUPPORTED_URI}), lies inside the
 *       policy root when one is set ({@link PolicyRoot}, {@code OUTSIDE_POLICY_ROOT}), and the
 *       directory exists ({@code MISSING_ARTIFACT});
 *   <li>{@code replayflow-policy.json} reads, and names the announced version ({@code
 *       BAD_MANIFEST});
 *   <li>every file's SHA-256 and the artifact digest match the manifest, and the digest matches the
 *       announcement's {@code sha256} ({@code CHECKSUM_MISMATCH});
 *   <li>the manifest's observation shape, dtype and number of actions fit the environment ({@code
 *       SPEC_MISMATCH});
 *   <li>TensorFlow loads the SavedModel and its signature fits ({@code MODEL_LOAD_FAILED});
 *   <li>a warm-up call on a batch of probe observations returns valid actions and probabilities
 *       ({@code WARM_UP_FAILED}); this also pays TensorFlow's first-run cost before the swap.
 * </ol>
 *
 * <p>A refused model is closed before the exception leaves. Stateless apart from its settings;
 * thread-safe if the opener is.
 */
public final class PolicyLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyLoader.class);

    /** Opens the model of a verified artifact (the SavedModel, in production). */
    @FunctionalInterface
    public interface ModelOpener {
        Policy open(Path dir, PolicyManifest manifest, long version)
                throws InvalidArtifactException;
    }

    private final EnvSpec spec;
    private final float[] probeBatch; // [probeRows * obsSize]
    private final int probeRows;
    private final ModelOpener opener;
    private final PolicyRoot policyRoot; // null: any local path

    /**
     * @param spec the environment the policy must fit
     * @param probeObservation one observation of the environment, e.g. a reset observation
     * @param probeRows batch size of the warm-up call; the actor's number of envs, so TensorFlow
     *     sees the production shape before the swap
     * @param opener opens the model once the artifact is verified
     */
    public PolicyLoader(EnvSpec spec, float[] probeObservation, int probeRows, ModelOpener opener) {
        this(spec, probeObservation, probeRows, opener, null);
    }

    private PolicyLoader(
            EnvSpec spec,
            float[] probeObservation,
            int probeRows,
            ModelOpener opener,
            PolicyRoot policyRoot) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.policyRoot = policyRoot;
        int size = spec.observationSize();
        if (probeObservation == null || probeObservation.length != size) {
            throw new IllegalArgumentException(
                    "probeObservation must hold one "
                            + spec.id()
                            + " observation of "
                            + size
                            + " floats; got "
                            + (probeObservation == null ? "null" : probeObservation.length));
        }
        if (probeRows < 1) {
            throw new IllegalArgumentException("probeRows must be >= 1; got " + probeRows);
        }
        this.probeRows = probeRows;
        this.probeBatch = new float[probeRows * size];
        for (int row = 0; row < probeRows; row++) {
            System.arraycopy(probeObservation, 0, probeBatch, row * size, size);
        }
    }

    /** A loader that opens SavedModels with TensorFlow Java. */
    public static PolicyLoader tensorFlow(EnvSpec spec, float[] probeObservation, int probeRows) {
        return new PolicyLoader(spec, probeObservation, probeRows, SavedModelPolicy::open);
    }

    /**
     * A loader like this one that refuses announced artifacts outside {@code root} ({@code
     * OUTSIDE_POLICY_ROOT}); {@link #loadDirectory} is not restricted (its caller names the path).
     */
    public PolicyLoader restrictedTo(PolicyRoot root) {
        float[] probe = Arrays.copyOf(probeBatch, spec.observationSize());
        return new PolicyLoader(spec, probe, probeRows, opener, Objects.requireNonNull(root));
    }

    /** The root announced artifacts must lie in, if any. */
    public Optional<PolicyRoot> policyRoot() {
        return Optional.ofNullable(policyRoot);
    }

    public EnvSpec spec() {
        return spec;
    }

    /** Loads an announced version: every check above, against the announced digest. */
    public Policy load(PolicyVersion announced) throws PolicyLoadException {
        String what = "policy '" + announced.getPolicyName() + "' v" + announced.getVersion();
        checkSpec(announced.getObsShape(), announced.getNumActions(), what + " (announcement)");
        Path dir = resolve(announced.getUri(), what);
        if (policyRoot != null) {
            policyRoot.check(dir, announced.getUri(), what);
        }
        return load(dir, announced.getVersion(), announced.getSha256(), what);
    }

    /**
     * Loads an artifact directory directly (for evaluation), verified against its own manifest; the
     * policy gets the manifest's version.
     */
    public Policy loadDirectory(Path dir) throws PolicyLoadException {
        return load(dir, null, null, "policy artifact " + dir);
    }

    private Policy load(Path dir, Long expectedVersion, String expectedSha256, String what)
            throws PolicyLoadException {
        if (!Files.isDirectory(dir)) {
            throw new PolicyLoadException(
                    Reason.MISSING_ARTIFACT,
                    what
                            + ": artifact directory "
                            + dir
                            + (Files.exists(dir) ? " is not a directory" : " does not exist")
                            + "; the actors read it from a file system they share with the"
                            + " trainer: check the URI and that the artifact was written there");
        }
        PolicyManifest manifest = readManifest(dir, what);
        long version = manifest.version();
        if (expectedVersion != null && version != expectedVersion) {
            throw new PolicyLoadException(
                    Reason.BAD_MANIFEST,
                    what
                            + ": "
                            + dir.resolve(PolicyManifest.FILE_NAME)
                            + " says version "
                            + version
                            + " but the announcement says "
                            + expectedVersion
                            + ": the URI points at another version's artifact");
        }
        try {
            manifest.verify(dir, expectedSha256);
        } catch (InvalidArtifactException e) {
            throw new PolicyLoadException(
                    Reason.CHECKSUM_MISMATCH, what + ": " + e.getMessage(), e);
        }
        checkSpec(manifest.obsShape(), manifest.numActions(), what + " (manifest)");
        if (manifest.obsDtype() != null && !manifest.obsDtype().equals("float32")) {
            throw new PolicyLoadException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " takes observations of dtype "
                            + manifest.obsDtype()
                            + "; "
                            + spec.id()
                            + " gives float32");
        }
        Policy policy;
        long started = System.nanoTime();
        try {
            policy = opener.open(dir, manifest, version);
        } catch (InvalidArtifactException | RuntimeException e) {
            throw new PolicyLoadException(
                    Reason.MODEL_LOAD_FAILED, what + ": " + e.getMessage(), e);
        }
        long opened = System.nanoTime();
        try {
            warmUp(policy, what);
        } catch (PolicyLoadException | RuntimeException e) {
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

    private PolicyManifest readManifest(Path dir, String what) throws PolicyLoadException {
        try {
            return PolicyManifest.readFrom(dir);
        } catch (InvalidArtifactException e) {
            throw new PolicyLoadException(Reason.BAD_MANIFEST, what + ": " + e.getMessage(), e);
        }
    }

    private void checkSpec(List<Integer> obsShape, int numActions, String what)
            throws PolicyLoadException {
        if (!spec.observationShape().equals(obsShape)) {
            throw new PolicyLoadException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " expects observations of shape "
                            + obsShape
                            + " but "
                            + spec.id()
                            + " gives "
                            + spec.observationShape()
                            + ": publish a policy trained on "
                            + spec.id()
                            + ", or run the actors on the environment it was trained for");
        }
        if (numActions != spec.numActions()) {
            throw new PolicyLoadException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " chooses among "
                            + numActions
                            + " actions but "
                            + spec.id()
                            + " has "
                            + spec.numActions()
                            + ": publish a policy trained on "
                            + spec.id());
        }
    }

    private void warmUp(Policy policy, String what) throws PolicyLoadException {
        if (policy.numActions() != spec.numActions()
                || policy.observationSize() != spec.observationSize()) {
            throw new PolicyLoadException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " opened with "
                            + policy.numActions()
                            + " actions and observations of "
                            + policy.observationSize()
                            + " floats; "
                            + spec.id()
                            + " needs "
                            + spec.numActions()
                            + " and "
                            + spec.observationSize());
        }
        int[] actions = new int[probeRows];
        float[] probs = new float[probeRows];
        try {
            policy.act(probeBatch, probeRows, actions, probs);
        } catch (RuntimeException e) {
            throw new PolicyLoadException(
                    Reason.WARM_UP_FAILED,
                    what + " failed on a probe batch of " + probeRows + ": " + e.getMessage(),
                    e);
        }
        for (int i = 0; i < probeRows; i++) {
            if (actions[i] < 0 || actions[i] >= spec.numActions()) {
                throw new PolicyLoadException(
                        Reason.WARM_UP_FAILED,
                        what
                                + " chose action "
                                + actions[i]
                                + " on the probe observation; "
                                + spec.id()
                                + " has actions 0 to "
                                + (spec.numActions() - 1));
            }
            if (!(probs[i] > 0f && probs[i] <= 1f)) {
                throw new PolicyLoadException(
                        Reason.WARM_UP_FAILED,
                        what
                                + " gave its action probability "
                                + probs[i]
                                + " on the probe observation; it must be in (0, 1]");
            }
        }
    }

    /** A local path or {@code file:} URI to a path. */
    static Path resolve(String uri, String what) throws PolicyLoadException {
        if (uri == null || uri.isBlank()) {
            throw new PolicyLoadException(
                    Reason.UNSUPPORTED_URI, what + " was announced without an artifact URI");
        }
        try {
            if (uri.startsWith("file:")) {
                return Path.of(URI.create(uri));
            }
            if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
                throw new PolicyLoadException(
                        Reason.UNSUPPORTED_URI,
                        what
                                + " lives at "
                                + uri
                                + "; actors read artifacts from a local or mounted file system"
                                + " (file: URIs or paths): mount that storage or copy the"
                                + " artifact to a shared file system");
            }
            return Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new PolicyLoadException(
                    Reason.UNSUPPORTED_URI,
                    what + " has an artifact URI that is not a valid path: " + uri,
                    e);
        }
    }
}
