package io.replayflow.policy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.PolicySpec;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.policy.testing.FixedPolicy;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each refusal reason of the loader, on artifacts written by hand (the model is a fake: the
 * TensorFlow side is covered by SavedModelPolicyITCase).
 */
@Timeout(60)
class PolicyLoaderTest {
    /** CartPole-v1's spec. */
    private static final PolicySpec SPEC = FakeArtifacts.CARTPOLE;

    @TempDir Path root;

    private final List<FixedPolicy> opened = new ArrayList<>();
    private PolicyLoader.ModelOpener opener =
            (dir, manifest, version) -> {
                FixedPolicy p = new FixedPolicy(version, 1, manifest.numActions(), 4);
                opened.add(p);
                return p;
            };

    private PolicyLoader loader() {
        return new PolicyLoader(SPEC, new float[] {0.01f, 0.02f, 0.03f, 0.04f}, 8, opener);
    }

    private Path artifact(String name, long version, List<Integer> obsShape, int numActions)
            throws IOException {
        return FakeArtifacts.write(root, name, version, obsShape, numActions);
    }

    private static PolicyVersion announce(Path dir, long version, String sha256) {
        return FakeArtifacts.announce("cartpole", dir, version, sha256);
    }

    private static PolicyVersion announce(
            String uri, long version, String sha256, List<Integer> obsShape, int numActions) {
        return FakeArtifacts.announce("cartpole", uri, version, sha256, obsShape, numActions);
    }

    private static String sha(Path dir) {
        return FakeArtifacts.sha(dir);
    }

    private static void assertRefused(ThrowingCallable load, Reason reason, String... parts) {
        assertThatThrownBy(load)
                .isInstanceOfSatisfying(
                        PolicyRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason))
                .message()
                .contains(parts);
    }

    @Test
    void loadsAVerifiedArtifactAndWarmsItUp() throws Exception {
        Path dir = artifact("cartpole", 5, List.of(4), 2);
        Policy policy = loader().load(announce(dir, 5, sha(dir)));
        assertThat(policy.version()).isEqualTo(5);
        assertThat(opened.get(0).calls()).as("warmed up on the probe batch").isEqualTo(1);
        assertThat(opened.get(0).closed()).isFalse();
    }

    @Test
    void loadsFromAPlainPathToo() throws Exception {
        Path dir = artifact("cartpole", 5, List.of(4), 2);
        PolicyVersion announced = announce(dir.toString(), 5, sha(dir), List.of(4), 2);
        assertThat(loader().load(announced).version()).isEqualTo(5);
    }

    @Test
    void refusesAMissingDirectory() {
        Path missing = root.resolve("cartpole/9");
        assertRefused(
                () -> loader().load(announce(missing, 9, "00")),
                Reason.MISSING_ARTIFACT,
                "policy 'cartpole' v9: artifact directory " + missing + " does not exist",
                "check the URI");
    }

    @Test
    void refusesAUriItCannotRead() {
        assertRefused(
                () ->
                        loader().load(
                                        announce(
                                                "s3://bucket/policies/cartpole/3",
                                                3,
                                                "00",
                                                List.of(4),
                                                2)),
                Reason.UNSUPPORTED_URI,
                "lives at s3://bucket/policies/cartpole/3",
                "mount that storage");
    }

    @Test
    void refusesADirectoryWithoutManifest() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 2);
        Files.delete(dir.resolve(PolicyManifest.FILE_NAME));
        assertRefused(
                () -> loader().load(announce(dir, 4, "00")),
                Reason.BAD_MANIFEST,
                "no replayflow-policy.json in " + dir,
                "not a ReplayFlow policy artifact");
    }

    @Test
    void refusesAManifestOfAnotherVersion() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 2);
        assertRefused(
                () -> loader().load(announce(dir, 6, sha(dir))),
                Reason.BAD_MANIFEST,
                "describes policy 'cartpole' v4 but the announcement says 'cartpole' v6");
    }

    @Test
    void refusesAModifiedFile() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 2);
        String sha = sha(dir);
        Files.writeString(dir.resolve("variables/variables.index"), "tampered");
        assertRefused(
                () -> loader().load(announce(dir, 4, sha)),
                Reason.CHECKSUM_MISMATCH,
                "checksum mismatch in " + dir.resolve("variables/variables.index"),
                "modified or corrupted");
        assertThat(opened).as("nothing was loaded").isEmpty();
    }

    @Test
    void refusesAnArtifactWhoseDigestDiffersFromTheAnnouncement() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 2);
        String wrong = "ab".repeat(32);
        assertRefused(
                () -> loader().load(announce(dir, 4, wrong)),
                Reason.CHECKSUM_MISMATCH,
                "the announcement says sha256 " + wrong);
    }

    @Test
    void refusesAnAnnouncedObservationShapeOfAnotherEnvironment() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 2);
        PolicyVersion announced = announce(dir.toUri().toString(), 4, sha(dir), List.of(6), 3);
        assertRefused(
                () -> loader().load(announced),
                Reason.SPEC_MISMATCH,
                "policy 'cartpole' v4 (announcement) expects observations of shape [6] but"
                        + " CartPole-v1 gives [4]");
    }

    @Test
    void refusesAManifestWithTheWrongObservationShape() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(3), 2);
        assertRefused(
                () -> loader().load(announce(dir, 4, sha(dir))),
                Reason.SPEC_MISMATCH,
                "(manifest) expects observations of shape [3] but CartPole-v1 gives [4]",
                "publish a policy trained on CartPole-v1");
    }

    @Test
    void refusesAManifestWithTheWrongNumberOfActions() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 3);
        assertRefused(
                () -> loader().load(announce(dir, 4, sha(dir))),
                Reason.SPEC_MISMATCH,
                "chooses among 3 actions but CartPole-v1 has 2");
    }

    @Test
    void refusesAModelTheRuntimeCannotLoad() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 2);
        opener =
                (d, m, v) -> {
                    throw new InvalidArtifactException("TensorFlow cannot load the SavedModel");
                };
        assertRefused(
                () -> loader().load(announce(dir, 4, sha(dir))),
                Reason.MODEL_LOAD_FAILED,
                "policy 'cartpole' v4: TensorFlow cannot load the SavedModel");
    }

    @Test
    void refusesAndClosesAModelThatAnswersNonsenseOnTheProbe() throws Exception {
        Path dir = artifact("cartpole", 4, List.of(4), 2);
        FixedPolicy broken = new FixedPolicy(4, 7, 2, 4);
        opener = (d, m, v) -> broken;
        assertRefused(
                () -> loader().load(announce(dir, 4, sha(dir))),
                Reason.WARM_UP_FAILED,
                "chose action 7 on the probe observation; CartPole-v1 has actions 0 to 1");
        assertThat(broken.closed()).isTrue();
    }

    @Test
    void loadsADirectoryAgainstItsOwnManifest() throws Exception {
        Path dir = artifact("cartpole", 8, List.of(4), 2);
        assertThat(loader().loadDirectory(dir).version()).isEqualTo(8);
    }
}
