package io.replayflow.policy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of a {@link PolicyLoader} as the replay job's scorer uses it (any announced spec,
 * restricted to a policy root, Q-values required), against real SavedModels.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicyArtifactLoaderTest {

    /** q(s) = s · W + b = [s0 + 0.5, 2 s1 - 1]. */
    static final MlpPolicy LINEAR =
            MlpPolicy.linear(new float[][] {{1f, 0f}, {0f, 2f}}, new float[] {0.5f, -1f});

    private static final String KEY = "replay.priority.scoring.policy-root";

    @TempDir Path tmp;
    private Path root;
    private PolicyLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("policies"));
        loader = PolicyLoader.tensorFlowQFunctions(PolicyRoot.of(root.toUri(), KEY));
    }

    private PolicyVersion write(Path dir, long version) throws IOException {
        PolicyManifest manifest = LINEAR.write(dir, "p", version);
        return MlpPolicy.announcement(manifest, dir);
    }

    @Test
    void loadsAVerifiedArtifactUnderTheRoot() throws Exception {
        PolicyVersion announced = write(root.resolve("p/3"), 3);
        try (Policy q = loader.load(announced)) {
            float[] out = new float[2];
            q.qValues(new float[] {1f, 2f}, 1, out);
            assertThat(q.version()).isEqualTo(3);
            assertThat(out).containsExactly(1.5f, 3.0f);
        }
    }

    @Test
    void refusesATamperedArtifact() throws Exception {
        Path dir = root.resolve("p/1");
        PolicyVersion announced = write(dir, 1);
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

        PolicyVersion other = write(root.resolve("p/2"), 2);
        // flip the first hex digit; a fixed prefix such as "00" would leave a digest that already
        // starts with it unchanged (one run in 256)
        String sha = other.getSha256();
        other.setSha256((sha.charAt(0) == '0' ? "1" : "0") + sha.substring(1));
        expect(() -> loader.load(other), Reason.CHECKSUM_MISMATCH)
                .hasMessageContaining("the announcement says sha256");
    }

    @Test
    void refusesAWrongShape() throws Exception {
        PolicyVersion announced = write(root.resolve("p/1"), 1);
        announced.setObsShape(List.of(4));
        expect(() -> loader.load(announced), Reason.SPEC_MISMATCH)
                .hasMessageContaining("announced with observations [4]")
                .hasMessageContaining("its manifest says [2]");

        // manifest and announcement agree on 3 actions, the model has 2
        Path dir = root.resolve("p/2");
        PolicyManifest real = LINEAR.write(dir, "p", 2);
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
        expect(() -> loader.load(v), Reason.SPEC_MISMATCH)
                .hasMessageContaining("tensor 'q_values'")
                .hasMessageContaining("[-1, 3]");
    }

    @Test
    void refusesUrisOutsideThePolicyRoot() throws Exception {
        PolicyVersion elsewhere = write(tmp.resolve("elsewhere/p/1"), 1);
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_POLICY_ROOT)
                .hasMessageContaining("outside the policy root " + root)
                .hasMessageContaining("replay.priority.scoring.policy-root");

        elsewhere.setUri(root + "/../elsewhere/p/1");
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_POLICY_ROOT);

        Path link = Files.createSymbolicLink(root.resolve("link"), tmp.resolve("elsewhere/p/1"));
        elsewhere.setUri(link.toString());
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_POLICY_ROOT)
                .hasMessageContaining(tmp.resolve("elsewhere").toRealPath().toString());

        elsewhere.setUri(root.toUri().toString());
        expect(() -> loader.load(elsewhere), Reason.OUTSIDE_POLICY_ROOT);
    }

    @Test
    void refusesUnsupportedMissingAndMismatchedArtifacts() throws Exception {
        PolicyVersion announced = write(root.resolve("p/1"), 1);
        announced.setUri("s3://bucket/policies/p/1");
        expect(() -> loader.load(announced), Reason.UNSUPPORTED_URI)
                .hasMessageContaining("file: URIs or paths");

        announced.setUri(root.resolve("p/9").toString());
        expect(() -> loader.load(announced), Reason.MISSING_ARTIFACT)
                .hasMessageContaining("does not exist");

        announced.setUri(root.resolve("p/1").toString());
        announced.setVersion(2L);
        expect(() -> loader.load(announced), Reason.BAD_MANIFEST)
                .hasMessageContaining("describes policy 'p' v1");

        Files.createDirectories(root.resolve("p/7"));
        announced.setUri(root.resolve("p/7").toUri().toString());
        announced.setVersion(7L);
        expect(() -> loader.load(announced), Reason.BAD_MANIFEST)
                .hasMessageContaining("no replayflow-policy.json");
    }

    @Test
    void rootMustBeLocal() {
        assertThatThrownBy(() -> PolicyRoot.of(java.net.URI.create("s3://bucket/policies/"), KEY))
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
