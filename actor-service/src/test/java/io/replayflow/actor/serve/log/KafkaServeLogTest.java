package io.replayflow.actor.serve.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log producer's fixed and default settings. */
@Timeout(30)
class KafkaServeLogTest {

    @Test
    void durableByConstructionWithNoLingerUnlessTheUserSetsOne() {
        Properties defaults = KafkaServeLog.producerProperties("b:9092", Map.of(), "serve-1");
        assertThat(defaults)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "serve-1");

        Properties chosen =
                KafkaServeLog.producerProperties(
                        "b:9092", Map.of("linger.ms", "2", "acks", "1"), "serve-1");
        assertThat(chosen)
                .as("a user's linger is kept; acks stays all whatever is passed")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "2")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }
}
