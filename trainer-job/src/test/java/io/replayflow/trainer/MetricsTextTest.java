package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.trainer.metrics.ProgressLine;
import io.replayflow.trainer.metrics.PrometheusEndpoint;
import io.replayflow.trainer.metrics.PrometheusText;
import io.replayflow.trainer.metrics.TrainerMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MetricsTextTest {

    @Test
    void prometheusExposition() throws Exception {
        PrometheusText text = new PrometheusText(Map.of("algo", "cql", "policy", "cart\"pole"));
        text.set(TrainerMetrics.LOSS_TD, 0.25);
        text.set(TrainerMetrics.GLOBAL_STEP, 1200);
        assertThat(text.render())
                .isEqualTo(
                        "# TYPE replayflow_trainer_global_step gauge\n"
                            + "replayflow_trainer_global_step{algo=\"cql\",policy=\"cart\\\"pole\"}"
                            + " 1200.0\n"
                            + "# TYPE replayflow_trainer_loss_td gauge\n"
                            + "replayflow_trainer_loss_td{algo=\"cql\",policy=\"cart\\\"pole\"}"
                            + " 0.25\n");
        try (PrometheusEndpoint endpoint = new PrometheusEndpoint(text, "127.0.0.1", 0)) {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + endpoint.port()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("replayflow_trainer_loss_td");
        }
    }

    @Test
    void progressLineCountsOnlyThisRunsSteps() {
        AtomicLong now = new AtomicLong(0);
        ProgressLine line = new ProgressLine(1_000, 3_000, now::get); // resumed at step 1,000
        now.set(2_000_000_000L); // 2 s later, at step 2,000: 500 steps/s, 1,000 to go
        String text =
                line.format(new StepMetrics(2_000, 0.5f, 0.4f, 0.1f, 12.5f, 1f, Float.NaN, false));
        assertThat(text)
                .isEqualTo(
                        "step 2,000/3,000 (66.7%) | 500 steps/s | ETA 0:00:02 | loss 0.5000 (td"
                                + " 0.4000, cql 0.1000) | q 12.50");
    }
}
