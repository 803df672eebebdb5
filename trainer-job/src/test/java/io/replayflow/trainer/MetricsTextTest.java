package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.metrics.TrainerPrometheus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MetricsTextTest {

    @Test
    void prometheusExposition() throws Exception {
        TrainerPrometheus metrics =
                new TrainerPrometheus(Map.of("algo", "cql", "policy", "cart\"pole"));
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);
        metrics.set(TrainerMetrics.LOSS_TD, 0.25);
        metrics.set(TrainerMetrics.GLOBAL_STEP, 1200);
        assertThat(exposition(registry))
                .isEqualTo(
                        "# HELP replayflow_trainer_loss_td Importance-weighted mean TD loss (Huber"
                            + " or squared error).\n"
                            + "# TYPE replayflow_trainer_loss_td gauge\n"
                            + "replayflow_trainer_loss_td{algo=\"cql\",policy=\"cart\\\"pole\"}"
                            + " 0.25\n"
                            + "# HELP replayflow_trainer_steps_total Gradient steps taken, across"
                            + " restarts (rate() it for steps/s).\n"
                            + "# TYPE replayflow_trainer_steps_total counter\n"
                            + "replayflow_trainer_steps_total{algo=\"cql\",policy=\"cart\\\"pole\"}"
                            + " 1200.0\n");
    }

    @Test
    void ratesAreNotExportedAndTheMessageSaysWhatToRate() {
        TrainerPrometheus metrics = new TrainerPrometheus(Map.of());
        assertThatThrownBy(() -> metrics.set(TrainerMetrics.STEPS_PER_S, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "trainer/steps_per_s is not exported to Prometheus (rates such as"
                                + " trainer/steps_per_s are not: rate() the counter"
                                + " replayflow_trainer_steps_total instead)");
        assertThat(TrainerPrometheus.name(TrainerMetrics.LOSS_TOTAL))
                .isEqualTo("replayflow_trainer_loss");
    }

    static String exposition(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
