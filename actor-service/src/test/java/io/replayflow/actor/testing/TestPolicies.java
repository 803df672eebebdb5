package io.replayflow.actor.testing;

import io.replayflow.actor.bench.LinearQArtifact;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real policy artifacts for tests: tiny linear SavedModels written with TensorFlow Java ({@link
 * LinearQArtifact}), plus the ways an artifact goes wrong in production.
 *
 * <p>{@link #versionPicking}: version v always picks action {@code v % |A|}, so a test can tell
 * from a transition's action which version chose it (with ε = 0).
 */
public final class TestPolicies {
    private static final SingleObjectSerde<PolicyVersion> SERDE =
            SingleObjectSerde.forClass(PolicyVersion.class);

    private TestPolicies() {}

    /** {@code root/name/version}, whose greedy action is always {@code version % numActions}. */
    public static Artifact versionPicking(Path root, String name, long version, EnvSpec spec) {
        return constantAction(root, name, version, spec, (int) (version % spec.numActions()));
    }

    /** {@code root/name/version}, whose greedy action is always {@code action}. */
    public static Artifact constantAction(
            Path root, String name, long version, EnvSpec spec, int action) {
        Path dir = root.resolve(name).resolve(Long.toString(version));
        try {
            PolicyManifest manifest =
                    LinearQArtifact.writeConstantAction(dir, name, version, spec, action);
            return new Artifact(dir, manifest, LinearQArtifact.announcement(manifest, dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An artifact for observations of {@code obsShape} (a different environment's). */
    public static Artifact forObsShape(
            Path root, String name, long version, List<Integer> obsShape, int numActions) {
        Path dir = root.resolve(name).resolve(Long.toString(version));
        try {
            int size = obsShape.stream().reduce(1, Math::multiplyExact);
            PolicyManifest manifest =
                    LinearQArtifact.write(
                            dir,
                            name,
                            version,
                            obsShape,
                            new float[size][numActions],
                            new float[numActions]);
            return new Artifact(dir, manifest, LinearQArtifact.announcement(manifest, dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips one byte of the artifact's variables after the manifest recorded their digests. */
    public static void corrupt(Artifact artifact) {
        Path data = artifact.dir().resolve("variables/variables.data-00000-of-00001");
        try {
            byte[] bytes = Files.readAllBytes(data);
            bytes[bytes.length / 2] ^= 0x5A;
            Files.write(data, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The single-object bytes of an announcement, as the trainer publishes it. */
    public static byte[] encode(PolicyVersion announcement) {
        return SERDE.encode(announcement);
    }

    /** A written artifact and the record announcing it. */
    public record Artifact(Path dir, PolicyManifest manifest, PolicyVersion announcement) {

        /** The announcement with another URI (e.g. a directory that does not exist). */
        public PolicyVersion announcedAt(String uri) {
            return PolicyVersion.newBuilder(announcement).setUri(uri).build();
        }

        public long version() {
            return manifest.version();
        }
    }
}
