package io.replayflow.replay.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kafka.properties.*} (and the former {@code replay.kafka.properties.*}) reach the sources'
 * client settings and never print secrets.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplayStoreKafkaPropertiesTest {

    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"r\""
                    + " password=\"replay-pw-123\";";

    @Test
    void argumentsWithThePrefixBecomeClientSettings() {
        ReplayStoreConfig config =
                ReplayStoreConfig.fromConfiguration(
                        ReplayStoreJob.parseArgs(
                                new String[] {
                                    "--replay.kafka.bootstrap-servers",
                                    "kafka:9093",
                                    "--replay.data-root",
                                    "file:///data/rf",
                                    "--replay.kafka.properties.security.protocol=SASL_SSL",
                                    "--replay.kafka.properties.sasl.jaas.config",
                                    JAAS
                                }));

        assertThat(config.kafkaClientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", JAAS);
        assertThat(config.toString())
                .contains("sasl.jaas.config=[hidden]")
                .doesNotContain("replay-pw-123");
    }

    @Test
    void theBuilderSetsThemAndOwnedKeysAreRefused() {
        ReplayStoreConfig.Builder b =
                ReplayStoreConfig.builder()
                        .bootstrapServers("127.0.0.1:9092")
                        .dataRoot(URI.create("file:///tmp/rf"));
        assertThat(b.kafkaProperty("sasl.mechanism", "SCRAM-SHA-512").build().kafkaProperties())
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThatThrownBy(() -> b.kafkaProperty("group.id", "x").build())
                .hasMessage(
                        "kafka.properties.group.id is not allowed: set"
                                + " replay.kafka.group-id instead");
    }
}
