package io.replayflow.policy.load;

import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The directory every announced policy artifact must lie in ({@code actor.policy.root}, {@code
 * replay.priority.scoring.policy-root}). Anyone who can write to {@code rf.policies} chooses the
 * URI a reader loads from; this check keeps that choice inside the directory the trainer exports
 * to, so an announcement cannot make a reader read (and hash, and hand to TensorFlow) files
 * elsewhere on its machine.
 *
 * <p>An artifact directory is inside the root when its absolute, normalized path ({@code ..}
 * removed) lies strictly under the root's (the root itself is no artifact), and, if it exists, its
 * real path (symbolic links resolved) lies strictly under the root's real path, and so does the
 * real path of every symbolic link within it. Immutable and serializable; {@link #check} touches
 * the file system (cost: one walk of the artifact directory).
 */
public final class PolicyRoot implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String root; // absolute, normalized; a String because Path is not serializable
    private final String key;

    private PolicyRoot(Path root, String key) {
        this.root = root.toAbsolutePath().normalize().toString();
        this.key = Objects.requireNonNull(key, "key");
    }

    /**
     * A root at {@code dir} (made absolute and normalized; it need not exist yet).
     *
     * @param key the setting that names the root, quoted in refusals (e.g. {@code
     *     actor.policy.root})
     */
    public static PolicyRoot of(Path dir, String key) {
        return new PolicyRoot(Objects.requireNonNull(dir, "dir"), key);
    }

    /**
     * A root at a {@code file:} URI.
     *
     * @throws IllegalArgumentException when {@code uri} is not a {@code file:} URI
     */
    public static PolicyRoot of(URI uri, String key) {
        Objects.requireNonNull(uri, "uri");
        if (!"file".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    key
                            + ": the policy root must be a file: URI; got "
                            + uri
                            + ": policies are loaded by TensorFlow Java from a local or mounted"
                            + " file system");
        }
        return new PolicyRoot(Path.of(uri), key);
    }

    public Path path() {
        return Path.of(root);
    }

    /** The setting that names this root. */
    public String key() {
        return key;
    }

    /**
     * Refuses {@code dir} unless it lies inside this root.
     *
     * @param uri the announced URI, for the message
     * @param what which policy version, for the message
     * @throws PolicyRejectedException with {@link Reason#OUTSIDE_POLICY_ROOT}, naming the URI, what
     *     it resolves to, the root and the fix; {@link Reason#MISSING_ARTIFACT} when the directory
     *     cannot be resolved or listed
     */
    void check(Path dir, String uri, String what) throws PolicyRejectedException {
        Path lexicalRoot = path();
        Path normalized = dir.toAbsolutePath().normalize();
        if (!strictlyUnder(normalized, lexicalRoot)) {
            throw outside(what, uri, normalized);
        }
        if (!Files.exists(dir)) {
            return; // the loader reports the missing directory
        }
        Path realRoot = Files.exists(lexicalRoot) ? real(lexicalRoot, what, uri) : lexicalRoot;
        Path realDir = real(dir, what, uri);
        if (!strictlyUnder(realDir, realRoot)) {
            throw outside(what, uri, realDir);
        }
        try (Stream<Path> files = Files.walk(realDir)) {
            for (Path link : files.filter(Files::isSymbolicLink).toList()) {
                Path target = real(link, what, uri);
                if (!target.startsWith(realRoot)) {
                    throw outside(
                            what, uri + " (its file " + realDir.relativize(link) + ")", target);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new PolicyRejectedException(
                    Reason.MISSING_ARTIFACT,
                    what + ": cannot list the artifact directory " + realDir + ": " + e,
                    e);
        }
    }

    private static boolean strictlyUnder(Path dir, Path root) {
        return dir.startsWith(root) && !dir.equals(root);
    }

    private static Path real(Path path, String what, String uri) throws PolicyRejectedException {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new PolicyRejectedException(
                    Reason.MISSING_ARTIFACT,
                    what + " (" + uri + "): cannot resolve " + path + ": " + e,
                    e);
        }
    }

    private PolicyRejectedException outside(String what, String uri, Path resolved) {
        return new PolicyRejectedException(
                Reason.OUTSIDE_POLICY_ROOT,
                what
                        + ": artifact URI "
                        + uri
                        + " resolves to "
                        + resolved
                        + ", outside the policy root "
                        + root
                        + " ("
                        + key
                        + "); only artifacts under that root are loaded: publish the"
                        + " artifact under "
                        + root
                        + "/<policy>/<version>/, or set "
                        + key
                        + " to the directory the trainer exports to");
    }

    @Override
    public String toString() {
        return root;
    }
}
