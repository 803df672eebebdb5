package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps a generated Markdown file of the module equal to what the code generates. Run the tests
 * with {@code -Dreplayflow.docs.write=true} to rewrite the files after changing options or metrics.
 */
public final class DocsFile {
    private DocsFile() {}

    /** {@code relative} is resolved against the module directory (Surefire's working directory). */
    public static void assertUpToDate(String relative, String generated) throws IOException {
        Path file = Path.of(relative);
        if (Boolean.getBoolean("replayflow.docs.write")) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(file))
                .as("%s is missing; run the tests with -Dreplayflow.docs.write=true", file)
                .isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as(
                        "%s is out of date with the code; run the tests with"
                                + " -Dreplayflow.docs.write=true and commit the file",
                        file)
                .isEqualTo(generated);
    }
}
