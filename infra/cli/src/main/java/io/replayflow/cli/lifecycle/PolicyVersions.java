package io.replayflow.cli.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published versions of one policy under a local data root: every directory {@code
 * <data>/policies/<name>/<n>/} with a readable manifest (rf.policies is compacted to the latest
 * announcement per name, so the artifacts are the list of record). Directories without a manifest
 * (an export in progress) are skipped.
 */
public final class PolicyVersions {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyVersions.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String policyName;
    private final List<PublishedVersion> versions;

    private PolicyVersions(String policyName, List<PublishedVersion> versions) {
        this.policyName = policyName;
        this.versions = List.copyOf(versions);
    }

    /**
     * Reads {@code <dataRoot>/policies/<policyName>/}.
     *
     * @throws IllegalArgumentException naming the directory when the policy has no version there
     */
    public static PolicyVersions read(Path dataRoot, String policyName) {
        Path dir = dataRoot.resolve(DatasetLayout.POLICIES_DIR).resolve(policyName);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "unknown policy '"
                            + policyName
                            + "': no "
                            + dir
                            + "; check the name and --data (the data root the trainer exports to)");
        }
        List<PublishedVersion> found = list(dir);
        if (found.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown policy '" + policyName + "': " + dir + " holds no published version");
        }
        return new PolicyVersions(policyName, found);
    }

    /**
     * What {@link #read} finds, or nothing when no version is published yet: for a run that may end
     * before its trainer's first export (a short budget on a loaded machine).
     */
    public static List<PublishedVersion> publishedSoFar(Path dataRoot, String policyName) {
        Path dir = dataRoot.resolve(DatasetLayout.POLICIES_DIR).resolve(policyName);
        return Files.isDirectory(dir) ? list(dir) : List.of();
    }

    private static List<PublishedVersion> list(Path dir) {
        List<PublishedVersion> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                if (child.getFileName().toString().matches("\\d+")
                        && Files.isRegularFile(child.resolve(PolicyManifest.FILE_NAME))) {
                    readVersion(child).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        found.sort(Comparator.comparingLong(PublishedVersion::version));
        return found;
    }

    private static Optional<PublishedVersion> readVersion(Path dir) {
        try {
            PolicyManifest manifest = PolicyManifest.readFrom(dir);
            Path ope = dir.resolve(PublishedVersion.OPE_FILE);
            JsonNode opeJson = null;
            if (Files.isRegularFile(ope)) {
                try {
                    opeJson = JSON.readTree(ope.toFile());
                } catch (IOException e) {
                    LOG.warn("ignoring unreadable {}: {}", ope, e.getMessage());
                }
            }
            return Optional.of(new PublishedVersion(dir, manifest, opeJson));
        } catch (InvalidArtifactException e) {
            LOG.warn("skipping {}: {}", dir, e.getMessage());
            return Optional.empty();
        }
    }

    public String policyName() {
        return policyName;
    }

    /** Oldest first. */
    public List<PublishedVersion> all() {
        return versions;
    }

    public PublishedVersion newest() {
        return versions.get(versions.size() - 1);
    }

    /**
     * The version {@code n}, its artifact verified (every file's digest and the artifact digest
     * against its manifest).
     *
     * @throws IllegalArgumentException naming the version and what failed
     */
    public PublishedVersion verified(long n) {
        PublishedVersion v =
                find(n).orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "policy '"
                                                        + policyName
                                                        + "' has no version "
                                                        + n
                                                        + "; published: "
                                                        + versions.stream()
                                                                .map(PublishedVersion::version)
                                                                .toList()));
        try {
            v.manifest().verify(v.dir(), v.manifest().sha256());
        } catch (InvalidArtifactException e) {
            throw new IllegalArgumentException(
                    "policy '"
                            + policyName
                            + "' v"
                            + n
                            + " fails verification: "
                            + e.getMessage()
                            + "; re-export it or pick another version");
        }
        return v;
    }

    public Optional<PublishedVersion> find(long n) {
        return versions.stream().filter(v -> v.version() == n).findFirst();
    }
}
