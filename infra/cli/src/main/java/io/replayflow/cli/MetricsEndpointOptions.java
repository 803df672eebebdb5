package io.replayflow.cli;

import io.replayflow.cli.loop.TrainerGauges;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-host} and {@code --metrics-port} of the long-running services that always serve
 * Prometheus metrics ({@code learn}, {@code controller}); a picocli mixin, so each flag is declared
 * and checked once. ({@code actors} keeps its own pair: there {@code -1} turns the endpoint off.)
 */
final class MetricsEndpointOptions {

    @Option(
            names = "--metrics-host",
            defaultValue = TrainerGauges.LOOPBACK,
            paramLabel = "HOST",
            description =
                    "Address of the Prometheus endpoint (default: ${DEFAULT-VALUE}; 0.0.0.0 in a"
                            + " pod).")
    String host;

    @Option(
            names = "--metrics-port",
            defaultValue = "0",
            paramLabel = "PORT",
            description = "Port of the Prometheus endpoint (default: ${DEFAULT-VALUE}, any free).")
    int port;

    /**
     * The port, checked.
     *
     * @throws UsageError when it is outside 0-65535
     */
    int port() {
        if (port < 0 || port > 65535) {
            throw new UsageError(
                    "--metrics-port " + port + " is not a port: give 1-65535, or 0 for any");
        }
        return port;
    }

    String host() {
        return host;
    }
}
