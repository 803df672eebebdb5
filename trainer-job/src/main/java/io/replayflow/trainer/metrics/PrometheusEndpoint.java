package io.replayflow.trainer.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Serves {@link PrometheusText} at {@code http://<host>:<port>/metrics} (JDK HTTP server). */
public final class PrometheusEndpoint implements AutoCloseable {

    private final HttpServer server;

    /** Where the endpoint binds unless told otherwise: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Starts serving on {@link #DEFAULT_HOST}; port 0 picks a free port ({@link #port()}). */
    public PrometheusEndpoint(PrometheusText metrics, int port) throws IOException {
        this(metrics, DEFAULT_HOST, port);
    }

    /** Starts serving on {@code host}; port 0 picks a free port ({@link #port()}). */
    public PrometheusEndpoint(PrometheusText metrics, String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
