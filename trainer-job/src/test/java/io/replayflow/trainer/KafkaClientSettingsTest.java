package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.trainer.publish.PolicyPublisher;
import io.replayflow.trainer.run.ContinuousTrainerConfig;
import io.replayflow.trainer.run.TrainRequest;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The trainer's Kafka clients take security settings from their callers, never print a secret, and
 * its metrics endpoint binds loopback by default.
 */
@Timeout(30)
class KafkaClientSettingsTest {

    private static final Map<String, String> SECURED =
            Map.of(
                    "security.protocol", "SASL_SSL",
                    "sasl.mechanism", "SCRAM-SHA-512",
                    "sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                    + " username=\"trainer\" password=\"pa55-w0rd-xyz\";",
                    "acks", "0");

    @Test
    void producerSettingsCarryTheSecurityButKeepTheTrainersGuarantees() {
        Properties p = PolicyPublisher.producerConfig("127.0.0.1:9093", SECURED);
        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", SECURED.get("sasl.jaas.config"))
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true);
    }

    @Test
    void requestsAndConfigsPrintNoSecret() {
        TrainRequest request =
                TrainRequest.builder(URI.create("file:///data/rf"))
                        .publish("127.0.0.1:9093")
                        .kafkaProperties(SECURED)
                        .build();
        ContinuousTrainerConfig continuous =
                ContinuousTrainerConfig.builder(URI.create("file:///data/rf"), "default")
                        .env("CartPole-v1")
                        .bootstrap("127.0.0.1:9093")
                        .kafkaProperties(SECURED)
                        .build();

        assertThat(request.kafkaProperties()).isEqualTo(SECURED);
        assertThat(continuous.kafkaProperties()).isEqualTo(SECURED);
        assertThat(request.toString())
                .contains("sasl.jaas.config=[hidden]")
                .doesNotContain("pa55-w0rd-xyz");
        assertThat(continuous.toString())
                .contains("security.protocol=SASL_SSL")
                .doesNotContain("pa55-w0rd-xyz");
    }
}
