package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.replayflow.actor.metrics.ActorMetrics;
import io.replayflow.actor.metrics.Metric;
import io.replayflow.actor.metrics.ServeMetrics;
import io.replayflow.cli.lifecycle.ControllerMetrics;
import io.replayflow.ingest.IngestMetrics;
import io.replayflow.ingest.join.JoinMetrics;
import io.replayflow.replay.job.ReplayMetrics;
import io.replayflow.trainer.metrics.TrainerPrometheus;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps {@code docs/METRICS.md}, the one list of metrics, in step with the definitions: every
 * metric has its row (Prometheus name, type and HELP text exactly as served), and every {@code
 * replayflow_*} name the file lists is one the code defines.
 */
@Timeout(30)
class MetricsDocsTest {

    private static final Path DOC = Path.of("../../docs/METRICS.md");

    @Test
    void everyActorMetricHasItsRow() throws IOException {
        String doc = doc();
        for (Metric m : new ActorMetrics(() -> 0, () -> 0, () -> 0, () -> 0).all()) {
            assertThat(doc)
                    .as("docs/METRICS.md must list %s as in ActorMetrics", m.name())
                    .contains(row(m.prometheusName(), m.type().name(), m.help()));
        }
    }

    @Test
    void everyServeMetricHasItsRow() throws IOException {
        String doc = doc();
        for (Metric m : new ServeMetrics(() -> 0, () -> 0).all()) {
            assertThat(doc)
                    .as("docs/METRICS.md must list %s as in ServeMetrics", m.name())
                    .contains(row(m.prometheusName(), m.type().name(), m.help()));
        }
        assertThat(doc)
                .as("docs/METRICS.md must list the stage histogram as in ServeMetrics")
                .contains(
                        row(
                                ServeMetrics.STAGE_SECONDS_NAME,
                                "histogram",
                                ServeMetrics.STAGE_SECONDS_HELP));
    }

    @Test
    void everyTrainerMetricHasItsRow() throws IOException {
        String doc = doc();
        for (TrainerPrometheus.Definition d : TrainerPrometheus.definitions()) {
            assertThat(doc)
                    .as("docs/METRICS.md must list %s as in TrainerPrometheus", d.metric())
                    .contains(row(d.prometheusName(), d.type().name(), d.help()));
        }
    }

    @Test
    void everyControllerMetricHasItsRow() throws IOException {
        String doc = doc();
        for (ControllerMetrics.Definition d : ControllerMetrics.definitions()) {
            assertThat(doc)
                    .as("docs/METRICS.md must list %s as in ControllerMetrics", d.prometheusName())
                    .contains(row(d.prometheusName(), d.type(), d.help()));
        }
    }

    @Test
    void theControllerServesItsMetricsUnderTheDocumentedNames() {
        PrometheusRegistry registry = new PrometheusRegistry();
        new ControllerMetrics(registry);
        List<String> served = new ArrayList<>();
        registry.scrape()
                .forEach(
                        s ->
                                served.add(
                                        s.getMetadata().getPrometheusName()
                                                + (s instanceof CounterSnapshot ? "_total" : "")));
        assertThat(served)
                .containsExactlyInAnyOrderElementsOf(
                        ControllerMetrics.definitions().stream()
                                .map(ControllerMetrics.Definition::prometheusName)
                                .toList());
    }

    @Test
    void everyFlinkJobMetricIsListed() throws IOException {
        String doc = doc();
        IngestMetrics.descriptions()
                .forEach(
                        (name, meaning) ->
                                assertThat(doc)
                                        .as("docs/METRICS.md must list %s", name)
                                        .contains("| `" + name + "` | " + meaning + " |"));
        JoinMetrics.descriptions()
                .forEach(
                        (name, meaning) ->
                                assertThat(doc)
                                        .as("docs/METRICS.md must list %s", name)
                                        .contains("| `" + name + "` | " + meaning + " |"));
        for (String name : constants(ReplayMetrics.class)) {
            assertThat(doc)
                    .as("docs/METRICS.md must list replay/%s (ReplayMetrics)", name)
                    .contains("| `" + ReplayMetrics.GROUP + "/" + name);
        }
    }

    @Test
    void listsNoPrometheusNameTheCodeDoesNotDefine() throws IOException {
        List<String> defined = new ArrayList<>();
        new ActorMetrics(() -> 0, () -> 0, () -> 0, () -> 0)
                .all()
                .forEach(m -> defined.add(m.prometheusName()));
        new ServeMetrics(() -> 0, () -> 0).all().forEach(m -> defined.add(m.prometheusName()));
        defined.add(ServeMetrics.STAGE_SECONDS_NAME);
        TrainerPrometheus.definitions().forEach(d -> defined.add(d.prometheusName()));
        ControllerMetrics.definitions().forEach(d -> defined.add(d.prometheusName()));
        Matcher listed = Pattern.compile("`(replayflow_[a-z0-9_]+)`").matcher(doc());
        while (listed.find()) {
            assertThat(defined)
                    .as("docs/METRICS.md names %s, which no metric defines", listed.group(1))
                    .contains(listed.group(1));
        }
    }

    private static String row(String prometheusName, String type, String help) {
        return "| `"
                + prometheusName
                + "` | "
                + type.toLowerCase(Locale.ROOT)
                + " | "
                + help.replace("|", "\\|")
                + " |";
    }

    private static List<String> constants(Class<?> names) {
        List<String> out = new ArrayList<>();
        for (Field f : names.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && !f.getName().equals("GROUP")) {
                try {
                    out.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    private static String doc() throws IOException {
        return Files.readString(DOC, StandardCharsets.UTF_8);
    }
}
