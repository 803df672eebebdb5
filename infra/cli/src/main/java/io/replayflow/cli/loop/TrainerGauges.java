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
 * The demo trainer's Prometheus endpoint on a free loopback port, served by the Prometheus client's
 * exporter: {@code replayflow_trainer_steps_total}, {@code _loss} and {@code _policy_version}
 * ({@link TrainerPrometheus}), set from the trainer's status at each progress sample (once a
 * second). The full set of trainer scalars goes to TensorBoard.
 */
final class TrainerGauges implements AutoCloseable {

    /** Where the endpoint binds: loopback only. */
    static final String HOST = "127.0.0.1";

    private final TrainerPrometheus metrics;
    private final HTTPServer server;

    private TrainerGauges(TrainerPrometheus metrics, HTTPServer server) {
        this.metrics = metrics;
        this.server = server;
    }

    static TrainerGauges start(String policy) throws IOException {
        TrainerPrometheus metrics = new TrainerPrometheus(Map.of("policy", policy));
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);
        HTTPServer server =
                HTTPServer.builder().hostname(HOST).port(0).registry(registry).buildAndStart();
        return new TrainerGauges(metrics, server);
    }

    void update(ContinuousTrainerStatus status) {
        metrics.set(TrainerMetrics.GLOBAL_STEP, status.trainerStep());
        metrics.set(TrainerMetrics.LOSS_TOTAL, status.lastLoss());
        metrics.set(TrainerMetrics.POLICY_VERSION, status.lastPublishedVersion());
    }

    URI url() {
        return URI.create("http://" + HOST + ":" + server.getPort() + "/metrics");
    }

    @Override
    public void close() {
        server.close();
    }
}
