package io.replayflow.actor.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PublisherSettingsTest {

    @Test
    void theDeliveryGuaranteesAreFixed() {
        PublisherSettings s =
                new PublisherSettings(
                        "b:9092",
                        "client",
                        "zstd",
                        Duration.ofMillis(5),
                        64 * 1024,
                        8L << 20,
                        Duration.ofSeconds(10),
                        Map.of("security.protocol", "SSL"));
        assertThat(s.producerProperties())
                .containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("client.id", "client")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("max.in.flight.requests.per.connection", "5")
                .containsEntry("retries", Integer.toString(Integer.MAX_VALUE))
                .containsEntry("compression.type", "zstd")
                .containsEntry("linger.ms", "5")
                .containsEntry("batch.size", "65536")
                .containsEntry("buffer.memory", Long.toString(8L << 20))
                .containsEntry("max.block.ms", "10000")
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void refusesSettingsThatWouldBreakTheGuarantees() {
        assertThatThrownBy(
                        () ->
                                new PublisherSettings(
                                        "b:9092",
                                        "c",
                                        "lz4",
                                        Duration.ZERO,
                                        16384,
                                        1L << 20,
                                        Duration.ofSeconds(1),
                                        Map.of("enable.idempotence", "false")))
                .hasMessage(
                        "producer setting enable.idempotence is fixed by the actor (idempotent,"
                                + " acks=all, byte[] serializers); remove it");
        assertThatThrownBy(
                        () ->
                                new PublisherSettings(
                                        "b:9092",
                                        "c",
                                        "brotli",
                                        Duration.ZERO,
                                        16384,
                                        1L << 20,
                                        Duration.ofSeconds(1),
                                        Map.of()))
                .hasMessageStartingWith("compression 'brotli' is not one of");
        assertThatThrownBy(
                        () ->
                                new PublisherSettings(
                                        "b:9092",
                                        "c",
                                        "lz4",
                                        Duration.ZERO,
                                        1 << 20,
                                        1L << 20,
                                        Duration.ofSeconds(1),
                                        Map.of()))
                .hasMessageContaining("must hold at least two batches");
    }
}
