package io.replayflow.ingest.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.ingest.IngestJob;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reading, defaults and the validation messages of the join job's settings. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JoinConfigTest {

    @Test
    void defaultsAndArgumentsRoundTrip() {
        JoinConfig config =
                JoinConfig.fromConfiguration(
                        IngestJob.settings(
                                Map.of(),
                                new String[] {
                                    "--kafka.bootstrap.servers", "b:9092",
                                    "--join.reward-horizon", "30 s"
                                }));
        assertThat(config.rewardHorizon()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.topics().transitions()).isEqualTo("rf.transitions");
        assertThat(JoinConfig.builder().setAll(config.toMap()).build()).isEqualTo(config);
    }

    @Test
    void anIdleTimeoutWithinTheHorizonIsRefusedNamingBothKeys() {
        assertThatThrownBy(
                        () ->
                                JoinConfig.builder()
                                        .bootstrapServers("b:9092")
                                        .setAll(
                                                Map.of(
                                                        "join.reward-horizon", "10 min",
                                                        "join.session.idle-timeout", "5 min"))
                                        .build())
                .hasMessageContaining("join.session.idle-timeout (5 min) must be longer than")
                .hasMessageContaining("join.reward-horizon")
                .hasMessageContaining("raise the idle timeout");
    }

    @Test
    void aMissingBootstrapIsRefusedWithAnExample() {
        assertThatThrownBy(() -> JoinConfig.builder().build())
                .hasMessage(
                        "kafka.bootstrap.servers is required: set it, e.g."
                                + " --kafka.bootstrap.servers broker:9092");
    }

    @Test
    void aRetentionShorterThanTheIdleTimeoutIsRefused() {
        assertThatThrownBy(
                        () ->
                                JoinConfig.builder()
                                        .bootstrapServers("b:9092")
                                        .setAll(Map.of("join.session.retention", "1 min"))
                                        .build())
                .hasMessageStartingWith("join.session.retention must be at least 10 min");
    }
}
