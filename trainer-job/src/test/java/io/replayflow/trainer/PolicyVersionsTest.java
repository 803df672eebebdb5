package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.trainer.export.PolicyVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Version numbers increase strictly and are never reused, across restarts. */
@Timeout(10)
class PolicyVersionsTest {

    @TempDir Path policies;

    @Test
    void startsAtOneAndIncreases() throws Exception {
        PolicyVersions versions = new PolicyVersions(policies, "cartpole");
        assertThat(versions.reserve(0)).isEqualTo(1);
        assertThat(versions.reserve(0)).isEqualTo(2);
    }

    @Test
    void neverReusesAcrossRestartsEvenWhenArtifactsAreDeleted() throws Exception {
        PolicyVersions first = new PolicyVersions(policies, "cartpole");
        for (int i = 0; i < 3; i++) {
            Files.createDirectories(first.versionDir(first.reserve(0)));
        }
        // a reservation whose export crashed before its rename: number 4 is spent all the same
        assertThat(first.reserve(0)).isEqualTo(4);

        // "restart": a new instance sees only the disk; versions 3 and 2 were garbage-collected
        Files.delete(first.versionDir(3));
        Files.delete(first.versionDir(2));
        PolicyVersions restarted = new PolicyVersions(policies, "cartpole");
        assertThat(restarted.reserve(0)).isEqualTo(5);
    }

    @Test
    void followsTheLastPublishedVersionWhenTheDirectoryWasLost() throws Exception {
        PolicyVersions versions = new PolicyVersions(policies, "cartpole");
        assertThat(versions.reserve(41)).isEqualTo(42);
        assertThat(versions.reserve(0)).isEqualTo(43);
    }

    @Test
    void existingVersionDirectoriesCount() throws Exception {
        Files.createDirectories(policies.resolve("cartpole/17"));
        Files.createDirectories(policies.resolve("cartpole/.tmp-99-123")); // not a version
        assertThat(new PolicyVersions(policies, "cartpole").reserve(0)).isEqualTo(18);
        assertThat(new PolicyVersions(policies, "acrobot").reserve(0)).isEqualTo(1);
    }
}
