package io.replayflow.actor.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A tiny HTTP endpoint serving {@code GET /metrics} in Prometheus's text format, written with the
 * JDK's {@code com.sun.net.httpserver} (no dependency). One daemon thread answers requests.
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.start("127.0.0.1", 9404, metrics::all)) {
 *     // curl http://127.0.0.1:9404/metrics
 * }
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts serving.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static MetricsServer start(String host, int port, Supplier<List<Metric>> metrics) {
        Objects.requireNonNull(metrics, "metrics");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
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
        ExecutorService executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "replayflow-metrics-http");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> serveMetrics(exchange, metrics));
        server.createContext("/", MetricsServer::serveIndex);
        server.start();
        return new MetricsServer(server, executor);
    }

    private static void serveMetrics(HttpExchange exchange, Supplier<List<Metric>> metrics)
            throws IOException {
        if (!exchange.getRequestMethod().equals("GET")
                && !exchange.getRequestMethod().equals("HEAD")) {
            respond(exchange, 405, "text/plain; charset=utf-8", "GET /metrics\n");
            return;
        }
        respond(exchange, 200, PrometheusText.CONTENT_TYPE, PrometheusText.format(metrics.get()));
    }

    private static void serveIndex(HttpExchange exchange) throws IOException {
        respond(exchange, 404, "text/plain; charset=utf-8", "metrics are at /metrics\n");
    }

    private static void respond(HttpExchange exchange, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    /** The bound port (the chosen one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The bound address: {@code actor.metrics.host} (loopback by default) and the port. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://host:port/metrics}. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort() + "/metrics";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
