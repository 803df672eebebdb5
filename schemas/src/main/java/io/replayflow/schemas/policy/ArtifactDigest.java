package io.replayflow.schemas.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 of a policy artifact: one digest per file (relative path with {@code /} separators), and
 * the artifact digest = SHA-256 over the lines {@code "<path>\t<file sha256>\n"} in path order.
 * {@code replayflow-policy.json} itself is left out (it records the digests), and so are the
 * evaluation results written beside an artifact after its export ({@link
 * PolicyManifest#SIDECAR_FILES}: {@code ope.json}), which describe the artifact rather than belong
 * to it.
 *
 * <p>Cost: reads every file once. Stateless and thread-safe.
 */
public final class ArtifactDigest {

    private ArtifactDigest() {}

    /**
     * Per-file digests of every regular file under {@code dir} except the manifest and {@link
     * PolicyManifest#SIDECAR_FILES}.
     */
    public static Map<String, String> fileDigests(Path dir) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            if (!relative.equals(PolicyManifest.FILE_NAME)
                    && !PolicyManifest.SIDECAR_FILES.contains(relative)) {
                digests.put(relative, sha256(file));
            }
        }
        return digests;
    }

    /** The artifact digest of a set of per-file digests. */
    public static String combine(Map<String, String> fileDigests) {
        MessageDigest md = newDigest();
        new TreeMap<>(fileDigests)
                .forEach(
                        (path, sha) ->
                                md.update(
                                        (path + "\t" + sha + "\n")
                                                .getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(md.digest());
    }

    /** The artifact digest of a directory. */
    public static String of(Path dir) throws IOException {
        return combine(fileDigests(dir));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
