package io.replayflow.trainer.ope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class OpeResultFileTest {

    @TempDir Path policy;

    @Test
    void writesTheLineBesideTheArtifactAndReplacesTheLastOneWholly() throws Exception {
        Path first = OpeResultFile.write(policy, "{\"estimates\": {\"wpdis\": {\"value\": 1}}}");
        Path second = OpeResultFile.write(policy, "{\"estimates\": {\"wpdis\": {\"value\": 2}}}");

        assertThat(first).isEqualTo(second).isEqualTo(policy.resolve("ope.json"));
        assertThat(Files.readString(second))
                .isEqualTo("{\"estimates\": {\"wpdis\": {\"value\": 2}}}\n");
        try (var files = Files.list(policy)) {
            assertThat(files).as("no temporary file left").containsExactly(second);
        }
    }
}
