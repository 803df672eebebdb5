package io.replayflow.policy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.policy.testing.FixedPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loader restricted to a policy root refuses announced URIs that leave it, by {@code ..}, by an
 * absolute path elsewhere, by a symbolic link to a directory outside, or by a symbolic link to a
 * file outside; it still loads what lies inside.
 */
@Timeout(60)
class PolicyRootTest {

    @TempDir Path tmp;
    private Path policies;
    private Path elsewhere;
    private PolicyLoader loader;

    @BeforeEach
    void setUp() throws Exception {
        policies = Files.createDirectories(tmp.resolve("data/policies"));
        elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        loader =
                new PolicyLoader(
                                FakeArtifacts.CARTPOLE,
                                new float[4],
                                2,
                                (dir, manifest, version) -> new FixedPolicy(version, 0, 2, 4))
                        .restrictedTo(
                                PolicyRoot.of(tmp.resolve("data/./policies"), "actor.policy.root"));
    }

    private static PolicyVersion announce(String uri, Path artifact) {
        return FakeArtifacts.announce(
                "cartpole", uri, 3, FakeArtifacts.sha(artifact), List.of(4), 2);
    }

    private void assertOutside(String uri, Path artifact, String resolvesTo) {
        assertThatThrownBy(() -> loader.load(announce(uri, artifact)))
                .isInstanceOfSatisfying(
                        PolicyRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.OUTSIDE_POLICY_ROOT))
                .hasMessageContaining("artifact URI " + uri)
                .hasMessageContaining("resolves to " + resolvesTo)
                .hasMessageContaining("outside the policy root " + policies)
                .hasMessageContaining("set actor.policy.root to the directory the trainer exports");
    }

    @Test
    void loadsAnArtifactInsideTheRoot() throws Exception {
        Path inside = FakeArtifacts.write(policies, "cartpole", 3, List.of(4), 2);
        assertThat(loader.load(announce(inside.toUri().toString(), inside)).version()).isEqualTo(3);
        assertThat(loader.policyRoot()).map(PolicyRoot::path).contains(policies);
    }

    @Test
    void refusesDotDotThatClimbsOutOfTheRoot() throws Exception {
        Path outside = FakeArtifacts.write(elsewhere, "cartpole", 3, List.of(4), 2);
        String uri = policies + "/../../elsewhere/cartpole/3";
        assertOutside(uri, outside, outside.toString());
    }

    @Test
    void refusesAFileUriElsewhere() throws Exception {
        Path outside = FakeArtifacts.write(elsewhere, "cartpole", 3, List.of(4), 2);
        assertOutside(outside.toUri().toString(), outside, outside.toString());
    }

    @Test
    void refusesASymbolicLinkInsideThatPointsOutside() throws Exception {
        Path outside = FakeArtifacts.write(elsewhere, "cartpole", 3, List.of(4), 2);
        Path link = Files.createDirectories(policies.resolve("cartpole")).resolve("3");
        Files.createSymbolicLink(link, outside);
        assertOutside(link.toString(), outside, outside.toRealPath().toString());
    }

    @Test
    void refusesAnArtifactWhoseFileLinksOutside() throws Exception {
        Path inside = FakeArtifacts.write(policies, "cartpole", 3, List.of(4), 2);
        Path secret = Files.writeString(elsewhere.resolve("secret.txt"), "not yours");
        Files.createSymbolicLink(inside.resolve("extra.txt"), secret);
        assertOutside(inside.toString(), inside, secret.toRealPath().toString());
    }

    @Test
    void anUnrestrictedLoaderKeepsLoadingAnyLocalPath() throws Exception {
        Path outside = FakeArtifacts.write(elsewhere, "cartpole", 3, List.of(4), 2);
        PolicyLoader any =
                new PolicyLoader(
                        FakeArtifacts.CARTPOLE,
                        new float[4],
                        2,
                        (dir, manifest, version) -> new FixedPolicy(version, 0, 2, 4));
        assertThat(any.policyRoot()).isEmpty();
        assertThat(any.load(announce(outside.toString(), outside)).version()).isEqualTo(3);
    }
}
