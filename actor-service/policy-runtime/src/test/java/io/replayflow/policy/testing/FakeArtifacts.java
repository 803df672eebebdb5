package io.replayflow.policy.testing;

import io.replayflow.policy.PolicySpec;
import io.replayflow.schemas.avro.Lineage;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.ArtifactDigest;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Policy artifacts written by hand, for tests of the verification logic: two files standing in for
 * a SavedModel and a real manifest listing their digests. Their model cannot be loaded by
 * TensorFlow; pair them with a fake {@link io.replayflow.policy.load.PolicyLoader.ModelOpener}.
 */
public final class FakeArtifacts {
    /** The spec of CartPole-v1, the environment these artifacts are shaped for by default. */
    public static final PolicySpec CARTPOLE = new PolicySpec("CartPole-v1", List.of(4), 2);

    private FakeArtifacts() {}

    public static Path write(
            Path root, String name, long version, List<Integer> obsShape, int numActions)
            throws IOException {
        Path dir = root.resolve(name).resolve(Long.toString(version));
        Files.createDirectories(dir.resolve("variables"));
        Files.writeString(dir.resolve("saved_model.pb"), "graph of v" + version);
        Files.writeString(dir.resolve("variables/variables.index"), "weights of v" + version);
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        new PolicyManifest(
                        1,
                        name,
                        version,
                        "dqn",
                        Map.of(),
                        obsShape,
                        "float32",
                        numActions,
                        PolicyManifest.Signature.standard(),
                        "0x0",
                        100,
                        1L,
                        new PolicyManifest.Lineage(List.of("x"), null, null, 10, List.of(0L)),
                        files,
                        ArtifactDigest.combine(files))
                .writeTo(dir);
        return dir;
    }

    public static String sha(Path dir) {
        try {
            return PolicyManifest.readFrom(dir).sha256();
        } catch (InvalidArtifactException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    /** The announcement of a CartPole-shaped artifact in {@code dir}. */
    public static PolicyVersion announce(String name, Path dir, long version, String sha256) {
        return announce(name, dir.toUri().toString(), version, sha256, List.of(4), 2);
    }

    public static PolicyVersion announce(
            String name,
            String uri,
            long version,
            String sha256,
            List<Integer> obsShape,
            int numActions) {
        return PolicyVersion.newBuilder()
                .setPolicyName(name)
                .setVersion(version)
                .setUri(uri)
                .setSha256(sha256)
                .setAlgo("dqn")
                .setObsShape(obsShape)
                .setNumActions(numActions)
                .setTrainStep(100)
                .setCreatedAtMs(1)
                .setLineage(
                        Lineage.newBuilder()
                                .setSources(List.of("x"))
                                .setTransitions(10)
                                .setBehaviorPolicyVersions(List.of(0L))
                                .build())
                .setMetrics(Map.of())
                .build();
    }
}
