package io.replayflow.actor.swap;

import io.replayflow.actor.swap.PolicyLoadException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The directory every announced policy artifact must lie in ({@code actor.policy.root}). Anyone who
 * can write to {@code rf.policies} chooses the URI an actor loads from; this check keeps that
 * choice inside the directory the trainer exports to, so an announcement cannot make the actor read
 * (and hash, and hand to TensorFlow) files elsewhere on its machine.
 *
 * <p>An artifact directory is inside the root when its absolute, normalized path ({@code ..}
 * removed) lies under the root's, and, if it exists, its real path (symbolic links resolved) lies
 * under the root's real path, and so does the real path of every symbolic link within it.
 * Immutable; {@link #check} touches the file system (cost: one walk of the artifact directory).
 */
public final class PolicyRoot {

    /** The setting that names the root, for messages. */
    static final String KEY = "actor.policy.root";

    private final Path root;

    private PolicyRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** A root at {@code dir} (made absolute and normalized; it need not exist yet). */
    public static PolicyRoot of(Path dir) {
        return new PolicyRoot(Objects.requireNonNull(dir, "dir"));
    }

    public Path path() {
        return root;
    }

    /**
     * Refuses {@code dir} unless it lies inside this root.
     *
     * @param uri the announced URI, for the message
     * @param what which policy version, for the message
     * @throws PolicyLoadException with {@link Reason#OUTSIDE_POLICY_ROOT}, naming the URI, what it
     *     resolves to, the root and the fix
     */
    void check(Path dir, String uri, String what) throws PolicyLoadException {
        Path normalized = dir.toAbsolutePath().normalize();
        if (!normalized.startsWith(root)) {
            throw outside(what, uri, normalized);
        }
        if (!Files.exists(dir)) {
            return; // the loader reports the missing directory
        }
        Path realRoot = real(root, what, uri);
        Path realDir = real(dir, what, uri);
        if (!realDir.startsWith(realRoot)) {
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
            throw new PolicyLoadException(
                    Reason.MISSING_ARTIFACT,
                    what + ": cannot list the artifact directory " + realDir + ": " + e,
                    e);
        }
    }

    private static Path real(Path path, String what, String uri) throws PolicyLoadException {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new PolicyLoadException(
                    Reason.MISSING_ARTIFACT,
                    what + " (" + uri + "): cannot resolve " + path + ": " + e,
                    e);
        }
    }

    private PolicyLoadException outside(String what, String uri, Path resolved) {
        return new PolicyLoadException(
                Reason.OUTSIDE_POLICY_ROOT,
                what
                        + ": artifact URI "
                        + uri
                        + " resolves to "
                        + resolved
                        + ", outside the policy root "
                        + root
                        + " ("
                        + KEY
                        + "); the actors only load artifacts from under that root: publish the"
                        + " artifact under "
                        + root
                        + "/<policy>/<version>/, or set "
                        + KEY
                        + " to the directory the trainer exports to");
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
