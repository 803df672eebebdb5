package io.replayflow.replay.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.replay.scoring.PolicyRejectedException.Reason;
import io.replayflow.replay.testing.MlpPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal of {@link PolicyArtifactLoader}, against real SavedModels. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicyArtifactLoaderTest {

    @TempDir Path tmp;
    private Path root;
    private PolicyArtifactLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("policies"));
        loader = PolicyArtifactLoader.tensorFlow(root.toUri());
    }

    private PolicyAnnouncement write(Path dir, long version) throws IOException {
        PolicyManifest manifest = TransitionScorerTest.LINEAR.write(dir, "p", version);
        return PolicyAnnouncement.of(MlpPolicy.announcement(manifest, dir));
    }

    @Test
    void loadsAVerifiedArtifactUnderTheRoot() throws Exception {
        PolicyAnnouncement announced = write(root.resolve("p/3"), 3);
        try (QFunction q = loader.load(announced)) {
            float[] out = new float[2];
            q.qValues(new float[] {1f, 2f}, 1, out);
            assertThat(q.version()).isEqualTo(3);
            assertThat(out).containsExactly(1.5f, 3.0f);
        }
    }

    @Test
    void refusesATamperedArtifact() throws Exception {
        Path dir = root.resolve("p/1");
        PolicyAnnouncement announced = write(dir, 1);
        Path variables;
        try (Stream<Path> files = Files.walk(dir.resolve("variables"))) {
            variables =
                    files.filter(f -> f.getFileName().toString().startsWith("variables.data"))
                            .findFirst()
                            .orElseThrow();
        }
        Files.write(variables, new byte[] {1}, StandardOpenOption.APPEND);
        expect(() -> loader.load(announced), Reason.CHECKSUM_MISMATCH)
                .hasMessageContaining("checksum mismatch in")
                .hasMessageContaining("variables.data");

        PolicyAnnouncement other = write(root.resolve("p/2"), 2);
        other.sha256 = "00" + other.sha256.substring(2);
        expect(() -> loader.load(other), Reason.CHECKSUM_MISMATCH)
                .hasMessageContaining("the announcement says sha256");
    }

    @Test
    void refusesAWrongShape() throws Exception {
        PolicyAnnouncement announced = write(root.resolve("p/1"), 1);
        announced.obsShape = new int[] {4};
        expect(() -> loader.load(announced), Reason.SPEC_MISMATCH)
                .hasMessageContaining("announced with observations [4]")
                .hasMessageContaining("its manifest says [2]");

        // manifest and announcement agree on 3 actions, the model has 2
        Path dir = root.resolve("p/2");
        PolicyManifest real = TransitionScorerTest.LINEAR.write(dir, "p", 2);
        PolicyManifest lying =
                new PolicyManifest(
                        real.formatVersion(),
                        real.policyName(),
                        real.version(),
                        real.algo(),
                        real.config(),
                        real.obsShape(),
                        real.obsDtype(),
                        3,
                        real.signature(),
                        real.transitionSchemaFingerprint(),
                        real.trainStep(),
                        real.createdAtMs(),
                        real.lineage(),
                        real.files(),
                        real.sha256());
        lying.writeTo(dir);
        PolicyVersion v = MlpPolicy.announcement(lying, dir);
        expect(() -> loader.load(PolicyAnnouncement.of(v)), Reason.SPEC_MISMATCH)
                .hasMessageContaining("tensor 'q_values'")
                .hasMessageContaining("[-1, 3]");
    }

    @Test
    void refusesUrisOutsideThePolicyRoot() throws Exception {
        PolicyAnnouncement elsewhere = write(tmp.resolve("elsewhere/p/1"), 1);
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_ROOT)
                .hasMessageContaining("outside the policy root " + root)
                .hasMessageContaining("replay.priority.scoring.policy-root");

        elsewhere.uri = root + "/../elsewhere/p/1";
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_ROOT);

        Path link = Files.createSymbolicLink(root.resolve("link"), tmp.resolve("elsewhere/p/1"));
        elsewhere.uri = link.toString();
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_ROOT)
                .hasMessageContaining(tmp.resolve("elsewhere").toRealPath().toString());

        elsewhere.uri = root.toUri().toString();
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_ROOT);
    }

    @Test
    void refusesUnsupportedMissingAndMismatchedArtifacts() throws Exception {
        PolicyAnnouncement announced = write(root.resolve("p/1"), 1);
        announced.uri = "s3://bucket/policies/p/1";
        expect(() -> loader.load(announced), Reason.UNSUPPORTED_URI)
                .hasMessageContaining("file: URIs or paths");

        announced.uri = root.resolve("p/9").toString();
        expect(() -> loader.load(announced), Reason.MISSING_ARTIFACT)
                .hasMessageContaining("does not exist");

        announced.uri = root.resolve("p/1").toString();
        announced.version = 2;
        expect(() -> loader.load(announced), Reason.BAD_MANIFEST)
                .hasMessageContaining("describes policy 'p' v1");

        Files.createDirectories(root.resolve("p/7"));
        announced.uri = root.resolve("p/7").toUri().toString();
        announced.version = 7;
        expect(() -> loader.load(announced), Reason.BAD_MANIFEST)
                .hasMessageContaining("no replayflow-policy.json");
    }

    @Test
    void rootMustBeLocal() {
        assertThatThrownBy(
                        () ->
                                PolicyArtifactLoader.tensorFlow(
                                        java.net.URI.create("s3://bucket/policies/")))
                .hasMessageContaining("must be a file: URI");
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> expect(
            ThrowingCallable call, Reason reason) {
        return assertThatThrownBy(call)
                .isInstanceOf(PolicyRejectedException.class)
                .satisfies(
                        e -> assertThat(((PolicyRejectedException) e).reason()).isEqualTo(reason));
    }
}
