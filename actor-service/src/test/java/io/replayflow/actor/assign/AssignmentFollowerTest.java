package io.replayflow.actor.assign;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicySpec;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.policy.ArtifactDigest;
import io.replayflow.schemas.policy.PolicyManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which models the follower keeps loaded from one assignment to the next: the assigned versions and
 * those of the assignment before, so a rollback or a promotion of a just-dropped canary needs no
 * load. The models are fakes (the loader's digest checks run on real files); actors following real
 * SavedModels are {@code ActorAssignmentITCase}.
 */
@Timeout(30)
class AssignmentFollowerTest {
    private static final String NAME = "cartpole";
    private static final PolicySpec SPEC = new PolicySpec(NAME, List.of(4), 2);

    @TempDir Path root;

    private final List<Long> opened = new ArrayList<>();
    private final List<Long> closed = new ArrayList<>();

    @Test
    void keepsThePreviousAssignmentsVersionsLoadedAndDropsOlderOnes() throws Exception {
        AssignedVersion v1 = artifact(1);
        AssignedVersion v2 = artifact(2);
        AssignedVersion v3 = artifact(3);
        PolicyRouter router = new PolicyRouter();
        try (AssignmentFollower follower = follower(router)) {
            follower.consider(assignment(1, v1, null));
            follower.consider(assignment(2, v1, v2)); // canary v2
            assertThat(opened).containsExactly(1L, 2L);

            follower.consider(assignment(3, v1, null)); // the canary rolled back
            follower.consider(assignment(4, v2, null)); // ... then promoted after all
            follower.consider(assignment(5, v1, null)); // and rolled back to v1
            assertThat(opened).as("each step back was loaded already").containsExactly(1L, 2L);
            assertThat(closed).isEmpty();

            follower.consider(assignment(6, v3, null)); // v3 champion: v1 stays (previous)
            assertThat(closed).as("v2 was in neither #5 nor #6").containsExactly(2L);
            follower.consider(assignment(7, v3, null));
            assertThat(closed).containsExactly(2L, 1L);
            assertThat(opened).containsExactly(1L, 2L, 3L);
            assertThat(follower.installedSequence()).isEqualTo(7);
        }
        assertThat(closed).as("the router still routes to v3").containsExactly(2L, 1L);
    }

    private AssignmentFollower follower(PolicyRouter router) {
        PolicyLoader loader =
                new PolicyLoader(
                        SPEC,
                        new float[4],
                        1,
                        (dir, manifest, version) -> {
                            opened.add(version);
                            return new FakePolicy(version);
                        });
        return new AssignmentFollower(
                new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()),
                "rf.policy.assignments",
                NAME,
                loader,
                router,
                Duration.ofMillis(10),
                AssignmentListener.NONE);
    }

    /** An artifact directory with a manifest whose digests match its one file. */
    private AssignedVersion artifact(long version) throws Exception {
        Path dir = root.resolve(Long.toString(version));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("saved_model.pb"), "model " + version);
        Map<String, String> files = ArtifactDigest.fileDigests(dir);
        String sha = ArtifactDigest.combine(files);
        new PolicyManifest(
                        PolicyManifest.FORMAT_VERSION,
                        NAME,
                        version,
                        "dqn",
                        Map.of(),
                        List.of(4),
                        "float32",
                        2,
                        PolicyManifest.Signature.standard(),
                        "0x01",
                        1,
                        1L,
                        null,
                        files,
                        sha)
                .writeTo(dir);
        return AssignedVersion.newBuilder()
                .setVersion(version)
                .setUri(dir.toUri().toString())
                .setSha256(sha)
                .build();
    }

    private static PolicyAssignment assignment(
            long sequence, AssignedVersion champion, AssignedVersion canary) {
        return PolicyAssignment.newBuilder()
                .setPolicyName(NAME)
                .setSequence(sequence)
                .setChampion(champion)
                .setCanary(canary)
                .setCanaryShare(canary == null ? 0.0 : 0.2)
                .setMode(AssignmentMode.AUTOMATIC)
                .setReason("test")
                .setDecider("test")
                .setDecidedAtMs(sequence)
                .build();
    }

    /** Acts 0 with probability 1; records its closing. */
    private final class FakePolicy implements Policy {
        private final long version;
        private boolean open = true;

        FakePolicy(long version) {
            this.version = version;
        }

        @Override
        public long version() {
            return version;
        }

        @Override
        public int numActions() {
            return 2;
        }

        @Override
        public int observationSize() {
            return 4;
        }

        @Override
        public boolean deterministic() {
            return true;
        }

        @Override
        public void act(float[] obs, int batch, int[] actionsOut, float[] behaviorProbOut) {
            for (int i = 0; i < batch; i++) {
                actionsOut[i] = 0;
                behaviorProbOut[i] = 1f;
            }
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                closed.add(version);
            }
        }
    }
}
