package io.replayflow.replay.scoring;

import io.replayflow.replay.scoring.PolicyRejectedException.Reason;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns an announced policy into a {@link QFunction} the job may score with, or refuses it with a
 * {@link PolicyRejectedException}. The checks, in order (nothing reaches TensorFlow before the
 * bytes are verified):
 *
 * <ol>
 *   <li>the URI is a local path or {@code file:} URI ({@code UNSUPPORTED_URI}) that lies under the
 *       policy root, compared as real paths ({@code ..} and symbolic links resolved; lexically when
 *       it does not exist) ({@code OUTSIDE_ROOT}); the directory exists ({@code MISSING_ARTIFACT});
 *   <li>{@code replayflow-policy.json} reads and names the announced policy and version ({@code
 *       BAD_MANIFEST});
 *   <li>every file's SHA-256, the artifact digest and the announced digest match ({@code
 *       CHECKSUM_MISMATCH});
 *   <li>the manifest's observation shape and number of actions are the announced ones, dtype
 *       float32 ({@code SPEC_MISMATCH});
 *   <li>the model loads and its signature fits ({@code MODEL_LOAD_FAILED}, {@code SPEC_MISMATCH});
 *   <li>a probe batch of zero observations gives finite Q-values ({@code WARM_UP_FAILED}); this
 *       also pays TensorFlow's first-run cost before the first real batch.
 * </ol>
 *
 * A refused model is closed before the exception leaves. Immutable and serializable (the scoring
 * operator carries it); thread-safe if the opener is.
 */
public final class PolicyArtifactLoader implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Rows of the warm-up batch. */
    static final int PROBE_ROWS = 2;

    /** Opens the model of a verified artifact (the SavedModel, in production). */
    @FunctionalInterface
    public interface ModelOpener extends Serializable {
        QFunction open(Path dir, PolicyManifest manifest) throws PolicyRejectedException;
    }

    private final URI policyRoot;
    private final ModelOpener opener;

    /**
     * @param policyRoot artifacts must lie under this directory, a {@code file:} URI
     * @param opener opens the model once the artifact is verified
     */
    public PolicyArtifactLoader(URI policyRoot, ModelOpener opener) {
        this.policyRoot = Objects.requireNonNull(policyRoot, "policyRoot");
        this.opener = Objects.requireNonNull(opener, "opener");
        if (!"file".equals(policyRoot.getScheme())) {
            throw new IllegalArgumentException(
                    "the policy root must be a file: URI; got " + policyRoot);
        }
    }

    /** A loader that opens SavedModels with TensorFlow Java. */
    public static PolicyArtifactLoader tensorFlow(URI policyRoot) {
        return new PolicyArtifactLoader(policyRoot, SavedModelQFunction::open);
    }

    public URI policyRoot() {
        return policyRoot;
    }

    /** Every check above, then the loaded model. */
    public QFunction load(PolicyAnnouncement announced) throws PolicyRejectedException {
        String what = announced.describe();
        Path dir = resolve(announced.uri, Path.of(policyRoot), what);
        PolicyManifest manifest = readManifest(dir, what);
        if (manifest.version() != announced.version
                || !Objects.equals(manifest.policyName(), announced.policyName)) {
            throw new PolicyRejectedException(
                    Reason.BAD_MANIFEST,
                    what
                            + ": "
                            + dir.resolve(PolicyManifest.FILE_NAME)
                            + " describes policy '"
                            + manifest.policyName()
                            + "' v"
                            + manifest.version()
                            + ": the URI points at another artifact");
        }
        try {
            manifest.verify(dir, announced.sha256);
        } catch (InvalidArtifactException e) {
            throw new PolicyRejectedException(
                    Reason.CHECKSUM_MISMATCH, what + ": " + e.getMessage(), e);
        }
        checkSpec(manifest, announced, what);
        QFunction q = opener.open(dir, manifest);
        try {
            warmUp(q, what);
        } catch (PolicyRejectedException | RuntimeException e) {
            q.close();
            throw e;
        }
        return q;
    }

    /**
     * The local directory of {@code uri}, which must lie strictly under {@code root}.
     *
     * @throws PolicyRejectedException {@code UNSUPPORTED_URI}, {@code OUTSIDE_ROOT} or {@code
     *     MISSING_ARTIFACT}, naming the URI and the root
     */
    static Path resolve(String uri, Path root, String what) throws PolicyRejectedException {
        Path dir = toPath(uri, what);
        if (!Files.isDirectory(dir)) {
            checkUnder(lexical(dir), lexical(root), uri, what);
            throw new PolicyRejectedException(
                    Reason.MISSING_ARTIFACT,
                    what
                            + ": artifact directory "
                            + dir
                            + " does not exist (or is not a directory); the job reads it from a"
                            + " file system it shares with the trainer");
        }
        try {
            checkUnder(
                    dir.toRealPath(),
                    Files.exists(root) ? root.toRealPath() : lexical(root),
                    uri,
                    what);
        } catch (IOException e) {
            throw new PolicyRejectedException(
                    Reason.MISSING_ARTIFACT, what + ": cannot resolve " + dir + ": " + e, e);
        }
        return dir;
    }

    private static Path lexical(Path path) {
        return path.toAbsolutePath().normalize();
    }

    private static Path toPath(String uri, String what) throws PolicyRejectedException {
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
                                + "; the replay-store job loads artifacts with TensorFlow Java"
                                + " from a local or mounted file system (file: URIs or paths)");
            }
            return Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new PolicyRejectedException(
                    Reason.UNSUPPORTED_URI,
                    what + " has an artifact URI that is no path: " + uri,
                    e);
        }
    }

    private static void checkUnder(Path dir, Path root, String uri, String what)
            throws PolicyRejectedException {
        if (!dir.startsWith(root) || dir.equals(root)) {
            throw new PolicyRejectedException(
                    Reason.OUTSIDE_ROOT,
                    what
                            + " at "
                            + uri
                            + " resolves to "
                            + dir
                            + ", outside the policy root "
                            + root
                            + ": the job only loads artifacts under"
                            + " replay.priority.scoring.policy-root");
        }
    }

    private static PolicyManifest readManifest(Path dir, String what)
            throws PolicyRejectedException {
        try {
            return PolicyManifest.readFrom(dir);
        } catch (InvalidArtifactException e) {
            throw new PolicyRejectedException(Reason.BAD_MANIFEST, what + ": " + e.getMessage(), e);
        }
    }

    private static void checkSpec(
            PolicyManifest manifest, PolicyAnnouncement announced, String what)
            throws PolicyRejectedException {
        List<Integer> announcedShape = Arrays.stream(announced.obsShape).boxed().toList();
        boolean dtypeOk = manifest.obsDtype() == null || manifest.obsDtype().equals("float32");
        if (!manifest.obsShape().equals(announcedShape)
                || manifest.numActions() != announced.numActions
                || manifest.numActions() < 1
                || manifest.obsShape().isEmpty()
                || !dtypeOk) {
            throw new PolicyRejectedException(
                    Reason.SPEC_MISMATCH,
                    what
                            + " was announced with observations "
                            + announcedShape
                            + " and "
                            + announced.numActions
                            + " actions; its manifest says "
                            + manifest.obsShape()
                            + " ("
                            + manifest.obsDtype()
                            + ") and "
                            + manifest.numActions()
                            + ": republish the artifact with a consistent announcement (float32"
                            + " observations, >= 1 action)");
        }
    }

    private static void warmUp(QFunction q, String what) throws PolicyRejectedException {
        float[] probe = new float[PROBE_ROWS * q.observationSize()];
        float[] values = new float[PROBE_ROWS * q.numActions()];
        try {
            q.qValues(probe, PROBE_ROWS, values);
        } catch (RuntimeException e) {
            throw new PolicyRejectedException(
                    Reason.WARM_UP_FAILED,
                    what + " failed on a probe batch of zeros: " + e.getMessage(),
                    e);
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new PolicyRejectedException(
                        Reason.WARM_UP_FAILED,
                        what + " returned the Q-value " + v + " for a zero observation");
            }
        }
    }
}
