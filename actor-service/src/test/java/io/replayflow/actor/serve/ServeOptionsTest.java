package io.replayflow.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.config.OptionTable;
import io.replayflow.schemas.env.EnvSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServeOptionsTest {
    private static final Map<String, String> MINIMAL =
            Map.of("kafka.bootstrap.servers", "127.0.0.1:9092", "serve.policy.name", "cartpole");

    private static ServeConfig parse(String... keyValues) {
        Map<String, String> settings = new HashMap<>(MINIMAL);
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return ServeOptions.parse(settings);
    }

    @Test
    void everySettingHasAKeyAndReachesTheConfig() {
        ServeConfig c =
                parse(
                        "kafka.topic-prefix", "team-a.",
                        "kafka.properties.security.protocol", "SSL",
                        "serve.producer.linger.ms", "2",
                        "serve.policy.root", "/data/policies",
                        "serve.env", "Acrobot-v1",
                        "serve.http.host", "0.0.0.0",
                        "serve.http.port", "9000",
                        "serve.http.threads", "12",
                        "serve.http.max-body", "64k",
                        "serve.epsilon", "0.1",
                        "serve.batch.max-size", "128",
                        "serve.batch.max-wait-us", "500",
                        "serve.batch.queue-capacity", "1024",
                        "serve.session.idle-timeout", "10 min",
                        "serve.service-id", "serve-a",
                        "serve.swap.poll-interval", "250ms",
                        "serve.log.answer-before-ack", "true",
                        "serve.seed", "7");
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.policy()).isEqualTo("cartpole");
        assertThat(c.topics().decisions()).isEqualTo("team-a.decisions");
        assertThat(c.kafkaSettings()).containsExactly(Map.entry("security.protocol", "SSL"));
        assertThat(c.producerSettings()).containsExactly(Map.entry("linger.ms", "2"));
        assertThat(c.policyRoot()).contains(Path.of("/data/policies"));
        assertThat(c.env()).isEqualTo(EnvSpecs.builtIn("Acrobot-v1").orElseThrow());
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.httpThreads()).isEqualTo(12);
        assertThat(c.maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(c.epsilon()).isEqualTo(0.1);
        assertThat(c.maxBatch()).isEqualTo(128);
        assertThat(c.maxWait()).isEqualTo(Duration.ofNanos(500_000));
        assertThat(c.queueCapacity()).isEqualTo(1024);
        assertThat(c.sessionIdle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.serviceId()).isEqualTo("serve-a");
        assertThat(c.swapPollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.seed()).isEqualTo(7);
        assertThat(c.answerBeforeAck()).isTrue();
    }

    @Test
    void documentedDefaultsAreTheConfigsDefaults() {
        Map<String, String> settings = new HashMap<>(MINIMAL);
        settings.put("serve.service-id", "s");
        for (OptionTable.Entry e : ServeOptions.table().entries()) {
            if (!e.defaultText().startsWith("(")) {
                settings.put(e.key(), e.defaultText());
            }
        }
        ServeConfig documented = ServeOptions.parse(settings);
        ServeConfig unset = parse("serve.service-id", "s");
        assertThat(documented).isEqualTo(unset);
        assertThat(unset.maxWait()).isEqualTo(Duration.ofNanos(200_000));
        assertThat(unset.maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(unset.answerBeforeAck()).as("durable by default").isFalse();
        assertThat(ServeConfig.defaults("127.0.0.1:9092", "cartpole", EnvSpecs.CART_POLE).port())
                .isEqualTo(8080);
    }

    @Test
    void anUnknownKeyIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> parse("serve.batch.size", "4"))
                .hasMessageStartingWith("unknown serve setting 'serve.batch.size'; known settings:")
                .hasMessageContaining("serve.batch.max-size");
    }

    @Test
    void aValueThatDoesNotParseNamesTheKeyAndTheForm() {
        assertThatThrownBy(() -> parse("serve.http.port", "http"))
                .hasMessage("serve.http.port='http' is not a valid int; e.g. serve.http.port=8080");
        assertThatThrownBy(() -> parse("serve.session.idle-timeout", "soon"))
                .hasMessageStartingWith(
                        "serve.session.idle-timeout='soon' is not a valid duration; e.g.");
    }

    @Test
    void aValueThatBreaksARuleNamesTheKeyAndTheRule() {
        assertThatThrownBy(() -> ServeOptions.parse(Map.of("serve.policy.name", "p")))
                .hasMessage("kafka.bootstrap.servers is required (e.g. 127.0.0.1:9092)");
        assertThatThrownBy(() -> ServeOptions.parse(Map.of("kafka.bootstrap.servers", "b:9092")))
                .hasMessage("serve.policy.name is required (e.g. cartpole)");
        assertThatThrownBy(() -> parse("serve.env", "Pong-v5"))
                .hasMessageStartingWith(
                        "serve.env = Pong-v5 is not a built-in environment; use one of [");
        assertThatThrownBy(() -> parse("serve.epsilon", "2"))
                .hasMessage("serve.epsilon = 2.0 must be in [0, 1]");
        assertThatThrownBy(() -> parse("serve.http.port", "70000"))
                .hasMessageStartingWith("serve.http.port = 70000 is not a TCP port");
        assertThatThrownBy(() -> parse("serve.batch.max-wait-us", "-1"))
                .hasMessageStartingWith("serve.batch.max-wait-us = -1 must be between 0 and");
        assertThatThrownBy(() -> parse("serve.batch.max-size", "10000"))
                .hasMessage(
                        "serve.batch.queue-capacity = 8192 must be at least serve.batch.max-size"
                                + " = 10000");
        assertThatThrownBy(() -> parse("serve.http.max-body", "100"))
                .hasMessage("serve.http.max-body = 100 bytes is too small: use at least 1024");
        assertThatThrownBy(() -> parse("serve.http.threads", "2"))
                .hasMessageStartingWith("serve.http.threads = 2 must be in [4, 1024]");
        assertThatThrownBy(() -> parse("serve.producer.acks", "1"))
                .hasMessageStartingWith("serve.producer.acks is fixed by the service");
    }
}
