package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.log.layout.DatasetLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PolicyVersionsTest {

    @TempDir Path data;

    @Test
    void aPolicyWithNothingPublishedIsAnErrorForReadButEmptySoFar() throws Exception {
        assertThatThrownBy(() -> PolicyVersions.read(data, "cartpole"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown policy 'cartpole'")
                .hasMessageContaining("--data");
        assertThat(PolicyVersions.publishedSoFar(data, "cartpole")).isEmpty();

        // An export in progress: the version directory exists, its manifest not yet.
        Files.createDirectories(data.resolve(DatasetLayout.POLICIES_DIR).resolve("cartpole/1"));
        assertThatThrownBy(() -> PolicyVersions.read(data, "cartpole"))
                .hasMessageContaining("holds no published version");
        assertThat(PolicyVersions.publishedSoFar(data, "cartpole")).isEmpty();
    }
}
