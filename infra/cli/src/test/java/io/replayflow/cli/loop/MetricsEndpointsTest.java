package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.metrics.ActorMetrics;
import io.replayflow.actor.metrics.MetricsServer;
import io.replayflow.trainer.run.ContinuousTrainerStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.filter.ReporterFilter;
import org.apache.flink.runtime.metrics.groups.FrontMetricGroup;
import org.apache.flink.runtime.metrics.groups.ReporterScopedSettings;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes every Prometheus endpoint we own over real HTTP and checks the body with {@code promtool
 * check metrics} when promtool is on the PATH (Debian package {@code prometheus}); without it,
 * checks our conventions in Java: HELP and TYPE on every metric, counters end in {@code _total}, no
 * {@code _ms} or {@code _per_s}, names start with {@code replayflow_<component>_}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointsTest {

    @TempDir Path tmp;

    @Test
    void theActorsEndpointPassesTheChecks() throws Exception {
        ActorMetrics metrics = new ActorMetrics(() -> 3, () -> 1, () -> 2_000_000L, () -> 40);
        metrics.addSteps(64);
        metrics.episodeFinished(12);
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry)) {
            String body = scrape(URI.create(server.url()));
            assertThat(body).contains("\nreplayflow_actor_steps_total 64.0\n");
            check(body, "replayflow_actor_");
        }
    }

    @Test
    void theTrainerEndpointPassesTheChecksAndBindsLoopback() throws Exception {
        try (TrainerGauges gauges = TrainerGauges.start("cartpole")) {
            gauges.update(
                    new ContinuousTrainerStatus(
                            ContinuousTrainerStatus.Phase.TRAINING,
                            1200,
                            400.0,
                            0.5f,
                            3,
                            10_000,
                            ""));
            assertThat(InetAddress.getByName(gauges.url().getHost()).isLoopbackAddress()).isTrue();
            String body = scrape(gauges.url());
            assertThat(body)
                    .contains(
                            "\nreplayflow_trainer_steps_total{policy=\"cartpole\"} 1200.0\n",
                            "\nreplayflow_trainer_policy_version{policy=\"cartpole\"} 3.0\n");
            check(body, "replayflow_trainer_");
        }
    }

    @Test
    void theDemosFlinkEndpointPassesPromtool() throws Exception {
        LoopbackPrometheusReporter reporter =
                (LoopbackPrometheusReporter)
                        new LoopbackPrometheusReporter.Factory()
                                .createMetricReporter(new java.util.Properties());
        reporter.open(new MetricConfig());
        try {
            SimpleCounter counter = new SimpleCounter();
            counter.inc(7);
            reporter.notifyOfAddedMetric(
                    counter,
                    "records_in",
                    new FrontMetricGroup<>(
                            new ReporterScopedSettings<>(
                                    0,
                                    '.',
                                    ReporterFilter.getNoOpFilter(),
                                    java.util.Set.of(),
                                    java.util.Map.of()),
                            UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup()));
            String body = scrape(URI.create("http://127.0.0.1:" + reporter.port() + "/metrics"));
            assertThat(body).contains("records_in");
            promtool(body); // Flink's own naming: only the format is ours to check
        } finally {
            reporter.close();
        }
    }

    private void check(String body, String prefix) throws Exception {
        promtool(body);
        List<String> problems = conventionProblems(body, prefix);
        assertThat(problems).as("metric conventions (docs/METRICS.md)").isEmpty();
    }

    /** Our naming rules, in Java, so they hold with or without promtool. */
    static List<String> conventionProblems(String body, String prefix) {
        List<String> problems = new ArrayList<>();
        List<String> helped = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.split(" ", 4);
                helped.add(parts[2]);
                if (parts.length < 4 || parts[3].isBlank()) {
                    problems.add(parts[2] + " has an empty HELP");
                }
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                String name = parts[2];
                String type = parts[3];
                if (!helped.contains(name)) {
                    problems.add(name + " has no HELP");
                }
                if (!name.startsWith(prefix)) {
                    problems.add(name + " does not start with " + prefix);
                }
                if (type.equals("counter") != name.endsWith("_total")) {
                    problems.add(name + " is a " + type + ": only counters end in _total");
                }
                if (name.contains("_ms") || name.contains("_per_s")) {
                    problems.add(name + ": use base units and counters, not _ms or _per_s");
                }
            }
        }
        return problems;
    }

    private void promtool(String body) throws Exception {
        if (!onPath("promtool")) {
            return;
        }
        Path file = tmp.resolve("metrics.txt");
        Files.writeString(file, body, StandardCharsets.UTF_8);
        Process p =
                new ProcessBuilder("promtool", "check", "metrics")
                        .redirectInput(file.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("promtool check metrics says:%n%s%non:%n%s", out, body)
                .isZero();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String scrape(URI url) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(url).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
