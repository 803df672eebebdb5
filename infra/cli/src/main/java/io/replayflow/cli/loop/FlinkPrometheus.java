package io.replayflow.cli.loop;

import io.replayflow.infra.stack.LocalStackConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;

/**
 * Flink's Prometheus metrics for the embedded MiniCluster, on a loopback port that was free when
 * the stack started ({@link LoopbackPrometheusReporter}: Flink's own reporter would listen on every
 * interface of the machine).
 */
final class FlinkPrometheus {

    static final String FACTORY_KEY = "metrics.reporter.prom.factory.class";
    static final String PORT_KEY = "metrics.reporter.prom.port";
    static final String FACTORY = LoopbackPrometheusReporter.Factory.class.getName();

    private FlinkPrometheus() {}

    /** The reporter settings, on a free port. */
    static Configuration reporterConfiguration() {
        return Configuration.fromMap(
                Map.of(FACTORY_KEY, FACTORY, PORT_KEY, Integer.toString(freePort())));
    }

    /** The scrape address, if the reporter of that stack is listening. */
    static Optional<URI> endpoint(LocalStackConfig config) {
        String port = config.flinkProperties().get(PORT_KEY);
        if (port == null || !port.matches("[0-9]+")) {
            return Optional.empty();
        }
        try (Socket probe = new Socket()) {
            probe.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port)),
                    500);
            return Optional.of(URI.create("http://127.0.0.1:" + port + "/metrics"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for Flink's Prometheus reporter", e);
        }
    }
}
