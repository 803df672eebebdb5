package io.replayflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.validate.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes {@code ingest/CONFIG.md} (the options table) and {@code ingest/METRICS.md} (metrics and
 * dead-letter reasons) from the code, so the docs cannot drift. With {@code CI} set it only checks
 * that the committed files are current.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IngestDocsTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));

    @Test
    void configReferenceIsGeneratedFromTheOptions() throws IOException {
        String md = IngestOptions.markdown();
        assertThat(md).contains("| `ingest.dedup.ttl` | duration | `1 h` |");
        assertThat(md).contains("| `kafka.bootstrap.servers` | string | (none) |");
        writeOrCheck("CONFIG.md", md);
    }

    @Test
    void metricsAndReasonsAreGeneratedFromTheCode() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Ingest metrics and dead-letter reasons\n\n")
                .append(
                        "Generated from `IngestMetrics` and `RejectReason` by"
                                + " `IngestDocsTest`.\n\n")
                .append("## Metrics\n\n")
                .append("Registered in Flink's metric system under the operator group `ingest`;")
                .append(" counters are per subtask, sum them over subtasks.\n\n")
                .append("| metric | meaning |\n|---|---|\n");
        IngestMetrics.descriptions()
                .forEach(
                        (name, meaning) ->
                                md.append("| `")
                                        .append(name)
                                        .append("` | ")
                                        .append(meaning)
                                        .append(" |\n"));
        md.append("\n## Dead-letter reason codes\n\n")
                .append(
                        "The `reason` of each `DeadLetter` on `rf.transitions.dlq`, and the"
                                + " `reason`")
                .append(" variable of `ingest/records_dead_lettered`. Codes are never renamed.\n\n")
                .append("| reason | meaning |\n|---|---|\n");
        for (RejectReason reason : RejectReason.values()) {
            md.append("| `")
                    .append(reason.name())
                    .append("` | ")
                    .append(reason.description())
                    .append(" |\n");
        }
        writeOrCheck("METRICS.md", md.toString());
    }

    private static void writeOrCheck(String name, String content) throws IOException {
        Path file = MODULE.resolve(name);
        if (System.getenv("CI") != null) {
            assertThat(file)
                    .as(name + " is out of date: run the tests locally and commit it")
                    .hasContent(content);
        } else {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        }
    }
}
