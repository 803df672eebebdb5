package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import io.replayflow.infra.stack.KafkaSecurity;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestJob;
import io.replayflow.ingest.IngestOptions;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import io.replayflow.trainer.publish.PolicyPublisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop over a broker that only serves clients on SASL_SSL (SCRAM-SHA-512 over TLS): the {@code
 * actors} verb publishes with {@code --kafka-config}, the ingest job (with {@code
 * kafka.properties.*}) consumes and commits Parquet, the {@code train} verb reads the policies
 * topic and publishes a version, and an actor process follows it; an announcement whose URI leaves
 * the policy root is refused while the actors keep acting; a wrong password is refused with a clear
 * error; and no password appears in any log line or command output of the run.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SaslSslLoopITCase {

    private static final String PASSWORD = "Sc4am-pass-for-the-loop";
    private static final String WRONG_PASSWORD = "not-the-Right-one-42";
    private static final String ENV = "CartPole-v1";

    @TempDir static Path tmp;
    private static LogCapture logs;
    private static LocalStack stack;
    private static JobClient ingest;
    private static Path data;
    private static Path clientConfig;
    private static Path wrongConfig;
    private static final List<String> outputs = new ArrayList<>();
    private static long published;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.install(Level.INFO);
        data = Files.createDirectories(tmp.resolve("data"));
        stack =
                LocalStack.builder()
                        .partitions(1)
                        .slotsPerTaskManager(1)
                        .saslSsl(KafkaSecurity.scram("replayflow", PASSWORD))
                        .start();
        clientConfig = stack.writeClientProperties(tmp.resolve("client.properties"));
        wrongConfig = withWrongPassword(stack.clientProperties(), tmp.resolve("wrong.properties"));
        Map<String, String> ingestKafka = new HashMap<>();
        stack.clientProperties().forEach((k, v) -> ingestKafka.put("kafka.properties." + k, v));
        Configuration job = new Configuration();
        job.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        ingest =
                IngestJob.start(
                        stack.executionEnvironment(job),
                        IngestConfig.builder()
                                .bootstrapServers(stack.bootstrapServers())
                                .dataRoot(data.toUri().toString())
                                .set(IngestOptions.PARALLELISM, 1)
                                .set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1))
                                .set(IngestOptions.COMPACTION_MAX_DELAY, Duration.ofSeconds(2))
                                .setAll(ingestKafka)
                                .build());
    }

    @AfterAll
    static void stop() {
        try {
            if (ingest != null) {
                ingest.cancel().join();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
            if (logs != null) {
                logs.close();
            }
        }
    }

    private static Path withWrongPassword(Map<String, String> client, Path file)
            throws IOException {
        Properties props = new Properties();
        props.putAll(client);
        props.put(
                "sasl.jaas.config", KafkaSecurity.scram("replayflow", WRONG_PASSWORD).jaasConfig());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, null);
        }
        return file;
    }

    /** Runs the command line in this JVM; remembers its output for the secrets check. */
    private static String[] cli(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReplayFlow.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        outputs.add(out.toString());
        outputs.add(err.toString());
        assertThat(exit)
                .as("%s%nstdout:%n%s%nstderr:%n%s", List.of(args), out, err)
                .isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition)
            throws Exception {
        Await.until(what, timeout, condition::getAsBoolean);
    }

    private static long committedParquetFiles() {
        Path experience = data.resolve("experience");
        if (!Files.isDirectory(experience)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(experience)) {
            return files.filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.endsWith(".parquet") && !name.startsWith(".");
                            })
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    @Order(1)
    void actorsPublishWithTheClientConfigAndIngestCommitsParquet() throws Exception {
        cli(
                0,
                "actors",
                "--bootstrap",
                stack.bootstrapServers(),
                "--kafka-config",
                clientConfig.toString(),
                "--policy-root",
                data.resolve("policies").toString(),
                "--env",
                ENV,
                "--envs",
                "8",
                "--steps",
                "3000",
                "--seed",
                "1",
                "--metrics-port",
                "-1");
        await(
                "committed Parquet in the experience log",
                Duration.ofSeconds(90),
                () -> committedParquetFiles() > 0);
    }

    @Test
    @Order(2)
    void theTrainerPublishesOverSaslSslAndTheActorsSwapToItButRefuseAUriOutsideTheRoot()
            throws Exception {
        String[] train =
                cli(
                        0,
                        "train",
                        "--data",
                        data.toString(),
                        "--algo",
                        "dqn",
                        "--steps",
                        "20",
                        "--env",
                        ENV,
                        "--publish",
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--kafka-config",
                        clientConfig.toString());
        assertThat(train[0]).contains("published on rf.policies");
        PolicyVersion announced = lastAnnouncement();
        published = announced.getVersion();
        assertThat(published).isGreaterThanOrEqualTo(1);

        ActorConfig config =
                ActorConfig.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .kafkaProperties(KafkaClientConfig.load(clientConfig))
                        .policyRoot(data.resolve("policies"))
                        .env(ENV)
                        .envsPerActor(4)
                        .maxStepsPerSecond(400)
                        .metricsPort(-1)
                        .seed(2)
                        .build();
        try (ActorRunner runner = ActorRunner.start(config)) {
            assertThat(runner.installedVersion())
                    .as("caught up over SASL_SSL")
                    .isEqualTo(published);

            Path outside = Files.createDirectories(tmp.resolve("outside"));
            String escaping = data.resolve("policies") + "/../../outside/" + ENV;
            try (PolicyPublisher publisher =
                    PolicyPublisher.create(
                            stack.bootstrapServers(), stack.clientProperties(), stack.topics())) {
                publisher.publish(
                        PolicyVersion.newBuilder(announced)
                                .setVersion(published + 1)
                                .setUri(escaping)
                                .build());
            }
            await("the refusal", Duration.ofSeconds(30), () -> !runner.refusals().isEmpty());
            ActorRunner.Refusal refusal = runner.refusals().get(0);
            assertThat(refusal.reason())
                    .isEqualTo(PolicyRejectedException.Reason.OUTSIDE_POLICY_ROOT);
            assertThat(refusal.message())
                    .contains(escaping, outside.resolve(ENV).toString(), "actor.policy.root");
            long steps = runner.status().steps();
            await(
                    "more steps after the refusal",
                    Duration.ofSeconds(30),
                    () -> runner.status().steps() > steps);
            assertThat(runner.installedVersion()).isEqualTo(published);
        }
    }

    private static PolicyVersion lastAnnouncement() throws DecodeException {
        Map<String, Object> props = new HashMap<>(stack.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        SingleObjectSerde<PolicyVersion> serde = SingleObjectSerde.forClass(PolicyVersion.class);
        PolicyVersion last = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition p0 = new TopicPartition(stack.topics().policies(), 0);
            consumer.assign(List.of(p0));
            consumer.seekToBeginning(List.of(p0));
            long end = consumer.endOffsets(List.of(p0)).get(p0);
            while (consumer.position(p0) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    last = serde.decode(r.value());
                }
            }
        }
        assertThat(last).as("an announcement on %s", stack.topics().policies()).isNotNull();
        return last;
    }

    @Test
    @Order(3)
    void theDeadLetterCountReadsOverSaslSsl() {
        String[] inspect =
                cli(
                        0,
                        "dataset",
                        "inspect",
                        data.toString(),
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--kafka-config",
                        clientConfig.toString());
        assertThat(inspect[0]).contains("dead letters  0 on rf.transitions.dlq");
    }

    @Test
    @Order(4)
    void aWrongPasswordIsRefusedWithAClearError() {
        String[] inspect =
                cli(
                        1,
                        "dataset",
                        "inspect",
                        data.toString(),
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--kafka-config",
                        wrongConfig.toString());
        assertThat(inspect[1])
                .contains("Authentication failed", "invalid credentials", "SCRAM-SHA-512");
        String[] train =
                cli(
                        1,
                        "train",
                        "--data",
                        data.toString(),
                        "--algo",
                        "dqn",
                        "--steps",
                        "1",
                        "--env",
                        ENV,
                        "--publish",
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--kafka-config",
                        wrongConfig.toString());
        assertThat(train[1])
                .contains("cannot read the last published version", "invalid credentials");
    }

    @Test
    @Order(5)
    void noPasswordAppearsInAnyLogLineOrOutput() {
        String text = logs.text() + "\n" + String.join("\n", outputs);
        assertThat(logs.lines()).as("the run logged at INFO").hasSizeGreaterThan(20);
        assertThat(text)
                .as("Kafka printed its client settings, secrets hidden")
                .contains("sasl.jaas.config = [hidden]");
        assertThat(text)
                .doesNotContain(PASSWORD)
                .doesNotContain(WRONG_PASSWORD)
                .doesNotContain(stack.clientProperties().get("ssl.truststore.password"));
    }
}
