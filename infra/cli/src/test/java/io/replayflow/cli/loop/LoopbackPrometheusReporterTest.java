package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.filter.ReporterFilter;
import org.apache.flink.runtime.metrics.groups.FrontMetricGroup;
import org.apache.flink.runtime.metrics.groups.ReporterScopedSettings;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flink's metrics in Prometheus naming, served on loopback and nowhere else. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackPrometheusReporterTest {

    @Test
    void servesFlinkMetricsOnLoopbackOnly() throws Exception {
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
                                    0, '.', ReporterFilter.getNoOpFilter(), Set.of(), Map.of()),
                            UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup()));

            HttpResponse<String> page =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + reporter.port()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).containsPattern("(?m)^flink_\\S*records_in\\{.*\\} 7\\.0$");

            Optional<InetAddress> external = nonLoopbackAddress();
            if (external.isPresent()) {
                assertThatThrownBy(
                                () -> {
                                    try (Socket s = new Socket()) {
                                        s.connect(
                                                new InetSocketAddress(
                                                        external.get(), reporter.port()),
                                                2_000);
                                    }
                                })
                        .isInstanceOf(ConnectException.class);
            }
        } finally {
            reporter.close();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
