package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code docs/config.md} is generated from {@link TrainerOptions}; this test fails when they drift.
 * Regenerate with {@code ./mvnw -pl trainer-job test -Dtest=ConfigDocTest
 * -Dreplayflow.update-docs=true}.
 */
@Timeout(10)
class ConfigDocTest {

    static final Path DOC = Path.of("docs/config.md");

    static String expected() {
        return "# Trainer configuration\n\n"
                + "Generated from `io.replayflow.trainer.TrainerOptions` by `ConfigDocTest`; do"
                + " not edit by hand.\n\n"
                + TrainerOptions.markdownTable();
    }

    @Test
    void configReferenceIsUpToDate() throws Exception {
        if (Boolean.getBoolean("replayflow.update-docs")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, expected(), StandardCharsets.UTF_8);
        }
        assertThat(DOC).exists();
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as(
                        "docs/config.md is stale: regenerate it with ./mvnw -pl trainer-job test"
                                + " -Dtest=ConfigDocTest -Dreplayflow.update-docs=true")
                .isEqualTo(expected());
    }
}
