package io.replayflow.actor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.actor.metrics.Metric.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PrometheusTextTest {

    @Test
    void writesHelpTypeAndOneSamplePerMetric() {
        List<Metric> metrics =
                List.of(
                        new Metric("actor/steps", Type.COUNTER, "Steps taken.", () -> 1024),
                        new Metric("actor/episode_return", Type.GAUGE, "Mean return.", () -> 21.5),
                        new Metric("actor/policy_version", Type.GAUGE, "Version.", () -> 3));

        assertThat(PrometheusText.format(metrics))
                .isEqualTo(
                        """
                        # HELP actor_steps_total Steps taken.
                        # TYPE actor_steps_total counter
                        actor_steps_total 1024
                        # HELP actor_episode_return Mean return.
                        # TYPE actor_episode_return gauge
                        actor_episode_return 21.5
                        # HELP actor_policy_version Version.
                        # TYPE actor_policy_version gauge
                        actor_policy_version 3
                        """);
    }

    @Test
    void spellsSpecialValuesAsPrometheusDoes() {
        assertThat(PrometheusText.value(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusText.value(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.value(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(PrometheusText.value(0.25)).isEqualTo("0.25");
        assertThat(PrometheusText.value(-2)).isEqualTo("-2");
        assertThat(PrometheusText.value(1e20)).isEqualTo("1.0E20");
    }

    @Test
    void escapesHelpText() {
        String text =
                PrometheusText.format(
                        List.of(new Metric("a/b", Type.GAUGE, "line\\one\ntwo", () -> 1)));
        assertThat(text).startsWith("# HELP a_b line\\\\one\\ntwo\n");
    }

    @Test
    void refusesNamesPrometheusCannotCarry() {
        assertThatThrownBy(() -> new Metric("actor steps", Type.GAUGE, "x", () -> 0))
                .hasMessage(
                        "metric name must look like 'actor/steps' (lower case, digits, '_', '/');"
                                + " got actor steps");
    }

    @Test
    void actorMetricsExposeTheIssuesNames() {
        ActorMetrics metrics = new ActorMetrics(() -> 7, () -> 2, () -> 1_500_000_000L, () -> 99);
        metrics.addSteps(64);
        metrics.episodeFinished(10);
        metrics.episodeFinished(20);
        metrics.swapped();
        metrics.swapFailed();

        assertThat(metrics.all())
                .extracting(Metric::name)
                .contains(
                        ActorMetrics.STEPS,
                        ActorMetrics.EPISODES,
                        ActorMetrics.EPISODE_RETURN,
                        ActorMetrics.POLICY_VERSION,
                        ActorMetrics.SWAP_FAILURES,
                        ActorMetrics.PUBLISH_BLOCKED);
        String text = PrometheusText.format(metrics.all());
        assertThat(text)
                .contains(
                        "\nactor_steps_total 64\n",
                        "\nactor_episodes_total 2\n",
                        "\nactor_episode_return 15\n",
                        "\nactor_policy_version 7\n",
                        "\nactor_swaps_total 1\n",
                        "\nactor_swap_failures_total 1\n",
                        "\nactor_publish_blocked_total 2\n",
                        "\nactor_publish_blocked_seconds_total 1.5\n",
                        "\nactor_transitions_acked_total 99\n");
        assertThat(metrics.value(ActorMetrics.SWAP_FAILURES)).isEqualTo(1.0);
    }

    @Test
    void theEndpointServesTheTextFormat() throws Exception {
        List<Metric> metrics = List.of(new Metric("actor/steps", Type.COUNTER, "S.", () -> 5));
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, () -> metrics)) {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(server.url())).build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body()).endsWith("actor_steps_total 5\n");
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/metrics");
        }
    }
}
