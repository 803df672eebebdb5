package io.replayflow.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.infra.stack.testing.KafkaTestClients;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack whose client listener is SASL_SSL: clients with its {@code clientProperties()} produce
 * and consume; a wrong password is refused with an authentication error that shows no password; a
 * PLAINTEXT client gets nowhere.
 */
@Timeout(120)
class LocalStackSaslSslITCase {

    private static final String PASSWORD = "right-pass-4711";
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack =
                LocalStack.builder()
                        .withFlink(false)
                        .partitions(1)
                        .saslSsl(KafkaSecurity.scram("rf-client", PASSWORD))
                        .start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, Object> secured(Map<String, String> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return props;
    }

    @Test
    void clientsWithTheStacksSettingsProduceAndConsume() throws Exception {
        String topic = stack.topics().transitions();
        try (KafkaProducer<String, byte[]> producer =
                KafkaTestClients.producer(
                        stack.bootstrapServers(), secured(stack.clientProperties()))) {
            producer.send(new ProducerRecord<>(topic, "k", new byte[] {42}))
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> props =
                KafkaTestClients.consumerProperties(stack.bootstrapServers(), "read_committed");
        props.putAll(stack.clientProperties());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition p0 = new TopicPartition(topic, 0);
            consumer.assign(List.of(p0));
            consumer.seekToBeginning(List.of(p0));
            ConsumerRecord<String, byte[]> first = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (first == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    first = first == null ? r : first;
                }
            }
            assertThat(first).isNotNull();
            assertThat(first.value()).containsExactly(42);
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAnErrorThatShowsNoPassword() {
        Map<String, Object> props = secured(stack.clientProperties());
        props.put(
                "sasl.jaas.config",
                KafkaSecurity.scram("rf-client", "wrong-pass-0815").jaasConfig());
        try (KafkaProducer<String, byte[]> producer =
                KafkaTestClients.producer(stack.bootstrapServers(), props)) {
            assertThatThrownBy(
                            () ->
                                    producer.send(
                                                    new ProducerRecord<>(
                                                            stack.topics().transitions(),
                                                            "k",
                                                            new byte[] {1}))
                                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials")
                    .hasMessageNotContaining("wrong-pass-0815")
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    @Test
    void aPlaintextClientIsNotServedOnTheSecureListener() {
        Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers(),
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                3_000,
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                2_000));
        try {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    @Test
    void theClientSettingsPrintNoSecretAndWriteToAnOwnerOnlyFile(@TempDir Path dir)
            throws Exception {
        assertThat(stack.clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(stack.clientProperties().toString())
                .contains("sasl.jaas.config=[hidden]", "ssl.truststore.password=[hidden]")
                .doesNotContain(PASSWORD);
        assertThat(stack.config().toString()).doesNotContain(PASSWORD);

        Path file = stack.writeClientProperties(dir.resolve("client.properties"));
        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            read.load(in);
        }
        assertThat(read).containsAllEntriesOf(stack.clientProperties());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }
}
