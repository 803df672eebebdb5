package io.replayflow.cli.loop;

import io.replayflow.trainer.metrics.PrometheusEndpoint;
import io.replayflow.trainer.metrics.PrometheusText;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.run.ContinuousTrainerStatus;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The demo trainer's Prometheus endpoint on a free loopback port: gauges under the trainer's metric
 * names ({@code replayflow_trainer_global_step}, {@code _steps_per_s}, {@code _loss_total}, {@code
 * _policy_version}), set from the trainer's status at each progress sample (once a second). The
 * full set of trainer scalars goes to TensorBoard.
 */
final class TrainerGauges implements AutoCloseable {

    private final PrometheusText text;
    private final PrometheusEndpoint endpoint;

    private TrainerGauges(PrometheusText text, PrometheusEndpoint endpoint) {
        this.text = text;
        this.endpoint = endpoint;
    }

    static TrainerGauges start(String policy) throws IOException {
        PrometheusText text = new PrometheusText(Map.of("policy", policy));
        return new TrainerGauges(text, new PrometheusEndpoint(text, "127.0.0.1", 0));
    }

    void update(ContinuousTrainerStatus status) {
        text.set(TrainerMetrics.GLOBAL_STEP, status.trainerStep());
        text.set(TrainerMetrics.STEPS_PER_S, status.stepsPerSecond());
        text.set(TrainerMetrics.LOSS_TOTAL, status.lastLoss());
        text.set(TrainerMetrics.POLICY_VERSION, status.lastPublishedVersion());
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics");
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
