package io.replayflow.cli.loop;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.metrics.TrainerPrometheus;
import io.replayflow.trainer.run.ContinuousTrainerStatus;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The continuous trainer's Prometheus endpoint (the demo's, on a free loopback port, and {@code
 * learn}'s), served by the Prometheus client's exporter: {@code replayflow_trainer_steps_total},
 * {@code _loss} and {@code _policy_version} ({@link TrainerPrometheus}), set from the trainer's
 * status at each progress sample (once a second); a policy-gradient trainer's status also carries
 * its losses, entropy, policy lag and importance ratios, set the same way. The full set of trainer
 * scalars goes to TensorBoard.
 */
public final class TrainerGauges implements AutoCloseable {

    /** Where the demo's endpoint binds: loopback only. */
    public static final String LOOPBACK = "127.0.0.1";

    private final TrainerPrometheus metrics;
    private final HTTPServer server;

    private final String host;

    private TrainerGauges(TrainerPrometheus metrics, HTTPServer server, String host) {
        this.metrics = metrics;
        this.server = server;
        this.host = host;
    }

    /** The demo's endpoint: a free port on loopback. */
    static TrainerGauges start(String policy) throws IOException {
        return start(policy, LOOPBACK, 0);
    }

    /** An endpoint labelled {@code policy=<policy>} on {@code host:port} (port 0: any free one). */
    public static TrainerGauges start(String policy, String host, int port) throws IOException {
        TrainerPrometheus metrics = new TrainerPrometheus(Map.of("policy", policy));
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);
        HTTPServer server =
                HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        return new TrainerGauges(metrics, server, host);
    }

    /** Sets the gauges from a status snapshot. */
    public void update(ContinuousTrainerStatus status) {
        metrics.set(TrainerMetrics.GLOBAL_STEP, status.trainerStep());
        metrics.set(TrainerMetrics.LOSS_TOTAL, status.lastLoss());
        metrics.set(TrainerMetrics.POLICY_VERSION, status.lastPublishedVersion());
        status.metrics().forEach(metrics::set);
    }

    /** The scrape address. */
    public URI url() {
        return URI.create("http://" + host + ":" + server.getPort() + "/metrics");
    }

    @Override
    public void close() {
        server.close();
    }
}
