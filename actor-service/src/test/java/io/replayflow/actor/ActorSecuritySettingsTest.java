package io.replayflow.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.follow.CompactedTopicFollower;
import io.replayflow.actor.metrics.MetricsServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka client settings ({@code kafka.properties.*}) reach both clients of the actor, secrets never
 * show in the config's text, the policy root is a setting, and the metrics endpoint binds loopback
 * unless told otherwise.
 */
@Timeout(60)
class ActorSecuritySettingsTest {

    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"actor\""
                    + " password=\"hunter2-very-secret\";";

    private static ActorConfig parse(String... keyValues) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", "127.0.0.1:9093");
        settings.put("actor.name", "box");
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return ActorOptions.parse(settings);
    }

    private static ActorConfig secured() {
        return parse(
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.properties.sasl.jaas.config", JAAS,
                "kafka.properties.ssl.truststore.password", "trust-me-not",
                "actor.producer.linger.ms", "7",
                "actor.producer.sasl.mechanism", "SCRAM-SHA-256");
    }

    @Test
    void kafkaSettingsReachTheProducerAndThePolicyConsumer() {
        ActorConfig c = secured();
        Properties producer = c.publisherSettings().producerProperties();
        Properties consumer =
                CompactedTopicFollower.consumerProperties(
                        c.bootstrapServers(), "follower", c.kafkaProperties());

        assertThat(producer)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("linger.ms", "10") // actor.publish.linger wins over a passthrough
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256"); // actor.producer.* over kafka.*
        assertThat(consumer)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.password", "trust-me-not")
                .containsEntry("enable.auto.commit", "false");
    }

    @Test
    void theConfigsTextHidesEverySecret() {
        ActorConfig c = secured();
        assertThat(c.toString())
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]")
                .doesNotContain("hunter2-very-secret", "trust-me-not");
        assertThat(c.publisherSettings().toString())
                .contains("sasl.jaas.config=[hidden]")
                .doesNotContain("hunter2-very-secret", "trust-me-not");
    }

    @Test
    void settingsTheActorOwnsAreRefusedWithTheKeyToUse() {
        assertThatThrownBy(() -> parse("kafka.properties.bootstrap.servers", "elsewhere:9092"))
                .hasMessage(
                        "kafka.properties.bootstrap.servers is set by the actor itself (bootstrap"
                                + " servers come from kafka.bootstrap.servers; ids and serializers"
                                + " are fixed): remove it");
        assertThatThrownBy(() -> parse("actor.kafka.enable.idempotence", "false"))
                .hasMessageContaining("enable.idempotence is fixed by the actor");
    }

    @Test
    void thePolicyRootIsASettingNormalizedToAnAbsolutePath() {
        assertThat(parse().policyRoot()).isEmpty();
        assertThat(parse("actor.policy.root", "/data/rf/./policies/").policyRoot())
                .contains(Path.of("/data/rf/policies"));
        assertThat(parse().toString()).contains("policyRoot=Optional.empty");
    }

    @Test
    void theMetricsEndpointBindsLoopbackByDefault() {
        ActorConfig c = parse();
        assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
        try (MetricsServer server =
                MetricsServer.start(c.metricsHost(), 0, new PrometheusRegistry())) {
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        }
        assertThat(parse("actor.metrics.host", "0.0.0.0").metricsHost()).isEqualTo("0.0.0.0");
    }
}
