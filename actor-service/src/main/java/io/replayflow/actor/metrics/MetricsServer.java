package io.replayflow.actor.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The actors' Prometheus endpoint: {@code GET /metrics} in Prometheus's text format (OpenMetrics
 * when the scraper asks for it), served by the Prometheus client's exporter from a {@link
 * PrometheusRegistry} that {@link ActorMetrics#register} filled.
 *
 * <pre>{@code
 * PrometheusRegistry registry = new PrometheusRegistry();
 * metrics.register(registry);
 * try (MetricsServer server = MetricsServer.start("127.0.0.1", 9404, registry)) {
 *     // curl http://127.0.0.1:9404/metrics
 * }
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;
    private final String host;

    private MetricsServer(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts serving {@code registry}.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static MetricsServer start(String host, int port, PrometheusRegistry registry) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(registry, "registry");
        try {
            return new MetricsServer(
                    HTTPServer.builder()
                            .hostname(host)
                            .port(port)
                            .registry(registry)
                            .buildAndStart(),
                    host);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve metrics on "
                            + host
                            + ":"
                            + port
                            + " ("
                            + e.getMessage()
                            + "): choose another port, or 0 for any free one",
                    e);
        }
    }

    /** The bound port (the chosen one when started with port 0). */
    public int port() {
        return server.getPort();
    }

    /** The bound address: {@code actor.metrics.host} (loopback by default) and the port. */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port());
    }

    /** {@code http://host:port/metrics}. */
    public String url() {
        InetSocketAddress address = address();
        return "http://" + address.getHostString() + ":" + address.getPort() + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
