package io.replayflow.actor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.policy.PolicyRejectedException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ActorMetricsPrometheusTest {

    @Test
    void writesHelpTypeAndOneSamplePerMetric() throws IOException {
        ActorMetrics metrics = new ActorMetrics(() -> 3, () -> 0, () -> 0, () -> 0);
        metrics.addSteps(1024);
        metrics.episodeFinished(21.5);

        assertThat(exposition(metrics))
                .contains(
                        """
                        # HELP replayflow_actor_steps_total Environment steps taken (one transition each).
                        # TYPE replayflow_actor_steps_total counter
                        replayflow_actor_steps_total 1024.0
                        """,
                        """
                        # HELP replayflow_actor_episode_return Mean return of the last 100 finished episodes (NaN before the first).
                        # TYPE replayflow_actor_episode_return gauge
                        replayflow_actor_episode_return 21.5
                        """,
                        """
                        # TYPE replayflow_actor_policy_version gauge
                        replayflow_actor_policy_version 3.0
                        """);
    }

    @Test
    void spellsSpecialValuesAsPrometheusDoes() throws IOException {
        ActorMetrics metrics = new ActorMetrics(() -> 0, () -> 0, () -> 0, () -> 0);
        assertThat(exposition(metrics)).contains("\nreplayflow_actor_episode_return NaN\n");
    }

    @Test
    void prometheusNamesFollowTheScheme() {
        assertThat(new Metric("actor/steps", Metric.Type.COUNTER, "S.", () -> 0).prometheusName())
                .isEqualTo("replayflow_actor_steps_total");
        assertThat(
                        new Metric("actor/policy_version", Metric.Type.GAUGE, "V.", () -> 0)
                                .prometheusName())
                .isEqualTo("replayflow_actor_policy_version");
    }

    @Test
    void refusesNamesPrometheusCannotCarry() {
        assertThatThrownBy(() -> new Metric("actor steps", Metric.Type.GAUGE, "x", () -> 0))
                .hasMessage(
                        "metric name must look like 'actor/steps' (lower case, digits, '_', '/');"
                                + " got actor steps");
    }

    @Test
    void actorMetricsExposeTheIssuesNames() throws IOException {
        ActorMetrics metrics = new ActorMetrics(() -> 7, () -> 2, () -> 1_500_000_000L, () -> 99);
        metrics.addSteps(64);
        metrics.episodeFinished(10);
        metrics.episodeFinished(20);
        metrics.swapped();
        metrics.swapFailed(Reason.CHECKSUM_MISMATCH);

        assertThat(metrics.all())
                .extracting(Metric::name)
                .contains(
                        ActorMetrics.STEPS,
                        ActorMetrics.EPISODES,
                        ActorMetrics.EPISODE_RETURN,
                        ActorMetrics.POLICY_VERSION,
                        ActorMetrics.SWAP_FAILURES,
                        ActorMetrics.PUBLISH_BLOCKED);
        assertThat(exposition(metrics))
                .contains(
                        "\nreplayflow_actor_steps_total 64.0\n",
                        "\nreplayflow_actor_episodes_total 2.0\n",
                        "\nreplayflow_actor_episode_return 15.0\n",
                        "\nreplayflow_actor_policy_version 7.0\n",
                        "\nreplayflow_actor_swaps_total 1.0\n",
                        "\n"
                            + "replayflow_actor_swap_failures_total{reason=\"checksum_mismatch\"}"
                            + " 1.0\n",
                        "\nreplayflow_actor_swap_failures_total{reason=\"spec_mismatch\"} 0.0\n",
                        "\nreplayflow_actor_publish_blocked_total 2.0\n",
                        "\nreplayflow_actor_publish_blocked_seconds_total 1.5\n",
                        "\nreplayflow_actor_transitions_acked_total 99.0\n");
        assertThat(metrics.value(ActorMetrics.SWAP_FAILURES)).isEqualTo(1.0);
    }

    @Test
    void registeringTwiceInOneRegistryIsRefused() {
        PrometheusRegistry registry = new PrometheusRegistry();
        new ActorMetrics(() -> 0, () -> 0, () -> 0, () -> 0).register(registry);
        assertThatThrownBy(
                        () ->
                                new ActorMetrics(() -> 0, () -> 0, () -> 0, () -> 0)
                                        .register(registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replayflow_actor_steps");
    }

    @Test
    void theEndpointServesTheTextFormat() throws Exception {
        ActorMetrics metrics = new ActorMetrics(() -> 0, () -> 0, () -> 0, () -> 0);
        metrics.addSteps(5);
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry)) {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(server.url())).build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body()).contains("\nreplayflow_actor_steps_total 5.0\n");
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/metrics");
        }
    }

    @Test
    void anAddressInUseIsReportedWithTheFix() {
        try (MetricsServer first = MetricsServer.start("127.0.0.1", 0, new PrometheusRegistry())) {
            assertThatThrownBy(
                            () ->
                                    MetricsServer.start(
                                            "127.0.0.1", first.port(), new PrometheusRegistry()))
                    .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + first.port())
                    .hasMessageEndingWith("choose another port, or 0 for any free one");
        }
    }

    private static String exposition(ActorMetrics metrics) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
