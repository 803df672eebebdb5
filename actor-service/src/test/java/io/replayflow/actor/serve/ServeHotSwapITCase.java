package io.replayflow.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.actor.publish.PublisherSettings;
import io.replayflow.actor.testing.TestPolicies;
import io.replayflow.actor.testing.TestPolicies.Artifact;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.testing.LstmPolicy;
import io.replayflow.policy.testing.MlpPolicy;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.schemas.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision service keeps answering through hot-swaps: a real Jetty server and the JDK's HTTP
 * client under steady concurrent load, real SavedModels announced on a real broker's {@code
 * rf.policies} one after another. No request fails, every answer is exact for the version that
 * names it, a client never sees a version go back, and every answered decision is in {@code
 * rf.decisions}.
 */
@Timeout(180)
class ServeHotSwapITCase {
    private static final String POLICY = "swapped";
    private static final int CLIENTS = 4;
    private static final int VERSIONS = 5;
    private static final double EPSILON = 0.05;

    private static LocalStack stack;
    private static Producer<byte[], byte[]> policies;

    @TempDir static Path artifacts;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().withFlink(false).partitions(2).start();
        policies =
                new KafkaProducer<>(
                        PublisherSettings.defaults(stack.bootstrapServers(), "test-trainer")
                                .producerProperties());
    }

    @AfterAll
    static void stopStack() {
        if (policies != null) {
            policies.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** One answered decision as the client saw it. */
    private record Answer(String decisionId, int action, double probability, long version) {}

    @Test
    void everyRequestIsAnsweredWhileVersionsSwapUnderLoad() throws Exception {
        List<Artifact> versions = new ArrayList<>();
        for (int v = 1; v <= VERSIONS; v++) {
            versions.add(TestPolicies.versionPicking(artifacts, POLICY, v, EnvSpecs.CART_POLE));
        }
        ServeConfig config =
                ServeOptions.parse(
                        Map.of(
                                "kafka.bootstrap.servers",
                                stack.bootstrapServers(),
                                "serve.policy.name",
                                POLICY,
                                "serve.http.port",
                                "0",
                                "serve.epsilon",
                                Double.toString(EPSILON),
                                "serve.swap.poll-interval",
                                "50ms"));
        List<Answer> answers = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        try (DecisionService service = DecisionService.start(config)) {
            URI decide = service.uri().resolve("v1/decisions");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread t =
                        new Thread(
                                () -> drive(http, decide, client, running, answers, failures),
                                "client-" + c);
                t.start();
                clients.add(t);
            }
            for (Artifact artifact : versions) {
                long before = answers.size();
                Await.until(
                        "50 more answers before publishing v" + artifact.manifest().version(),
                        Duration.ofSeconds(30),
                        () -> answers.size() >= before + 50 || !failures.isEmpty());
                publish(artifact);
                long version = artifact.manifest().version();
                Await.until(
                        "the service swaps in v" + version,
                        Duration.ofSeconds(30),
                        () -> service.holder().version() == version);
            }
            long before = answers.size();
            Await.until(
                    "50 answers with the last version",
                    Duration.ofSeconds(30),
                    () -> answers.size() >= before + 50 || !failures.isEmpty());
            running.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
        } finally {
            running.set(false);
        }

        assertThat(failures).as("failed requests").isEmpty();
        Set<Long> seen = new TreeSet<>();
        for (Answer a : answers) {
            seen.add(a.version());
            assertThat(a.probability())
                    .as("probability of %s", a)
                    .isCloseTo(expectedProbability(a), org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(seen)
                .as("versions answered with, version 0 (random) before the first")
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(decisionIdsLogged(answers.size()))
                .as("every answered decision is in rf.decisions")
                .containsAll(answers.stream().map(Answer::decisionId).toList());
    }

    @Test
    void aRecurrentVersionIsRefusedAndThePreviousOneKeepsServing() throws Exception {
        String name = "recurrent";
        Artifact v1 = TestPolicies.versionPicking(artifacts, name, 1, EnvSpecs.CART_POLE);
        Path lstmDir = artifacts.resolve(name).resolve("2");
        PolicyManifest lstm = LstmPolicy.random(4, 4, 2, 1.0, 3).write(lstmDir, name, 2);
        ServeConfig config =
                ServeOptions.parse(
                        Map.of(
                                "kafka.bootstrap.servers",
                                stack.bootstrapServers(),
                                "serve.policy.name",
                                name,
                                "serve.http.port",
                                "0",
                                "serve.swap.poll-interval",
                                "50ms"));
        try (DecisionService service = DecisionService.start(config)) {
            publish(name, v1.announcement());
            Await.until(
                    "the service swaps in v1",
                    Duration.ofSeconds(30),
                    () -> service.holder().version() == 1);
            publish(name, MlpPolicy.announcement(lstm, lstmDir));
            Await.until(
                    "the recurrent v2 is refused",
                    Duration.ofSeconds(30),
                    () -> service.metrics().swapFailures() == 1);
            assertThat(service.holder().version()).as("v1 keeps serving").isEqualTo(1);

            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(service.uri().resolve("v1/decisions"))
                                            .timeout(Duration.ofSeconds(10))
                                            .header("Content-Type", "application/json")
                                            .POST(
                                                    HttpRequest.BodyPublishers.ofString(
                                                            "{\"policy\":\""
                                                                    + name
                                                                    + "\",\"session_id\":\"s\","
                                                                    + "\"obs\":[0.01,-0.02,0.03,0.0]}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(r.body()).get("policy_version").asLong())
                    .isEqualTo(1);
        }
    }

    /**
     * ε-greedy over 2 actions: the greedy one with 1 − ε + ε/2, the other with ε/2; version 0 is
     * uniform. Version v's greedy action is v % 2 ({@link TestPolicies#versionPicking}).
     */
    private static double expectedProbability(Answer a) {
        if (a.version() == 0) {
            return 0.5;
        }
        return a.action() == a.version() % 2 ? 1 - EPSILON + EPSILON / 2 : EPSILON / 2;
    }

    /** Posts decisions one after another; a client's versions never go back. */
    private static void drive(
            HttpClient http,
            URI decide,
            int client,
            AtomicBoolean running,
            List<Answer> answers,
            List<String> failures) {
        ObjectMapper json = new ObjectMapper();
        long lastVersion = 0;
        int n = 0;
        while (running.get()) {
            String body =
                    "{\"policy\":\""
                            + POLICY
                            + "\",\"session_id\":\"c"
                            + client
                            + "-"
                            + (n / 20)
                            + "\",\"obs\":[0.01,-0.02,0.03,"
                            + (n % 7) / 100.0
                            + "]}";
            n++;
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(decide)
                                        .timeout(Duration.ofSeconds(10))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    failures.add(r.statusCode() + " " + r.body());
                    continue;
                }
                JsonNode a = json.readTree(r.body());
                Answer answer =
                        new Answer(
                                a.get("decision_id").asText(),
                                a.get("action").asInt(),
                                a.get("probability").asDouble(),
                                a.get("policy_version").asLong());
                if (answer.version() < lastVersion) {
                    failures.add(
                            "client "
                                    + client
                                    + " went back to "
                                    + answer
                                    + " after v"
                                    + lastVersion);
                }
                lastVersion = answer.version();
                answers.add(answer);
            } catch (Exception e) {
                failures.add(e.toString());
            }
        }
    }

    private static void publish(Artifact artifact) throws Exception {
        policies.send(
                        new ProducerRecord<>(
                                stack.topics().policies(),
                                POLICY.getBytes(StandardCharsets.UTF_8),
                                TestPolicies.encode(artifact.announcement())))
                .get();
    }

    private static void publish(String name, PolicyVersion announced) throws Exception {
        policies.send(
                        new ProducerRecord<>(
                                stack.topics().policies(),
                                name.getBytes(StandardCharsets.UTF_8),
                                TestPolicies.encode(announced)))
                .get();
    }

    /** Reads rf.decisions from the start until {@code expected} decisions are in hand. */
    private static Set<String> decisionIdsLogged(int expected) throws Exception {
        SingleObjectSerde<Decision> serde = SingleObjectSerde.forClass(Decision.class);
        Set<String> ids = new HashSet<>();
        Map<String, Object> props =
                Map.of(
                        "bootstrap.servers", stack.bootstrapServers(),
                        "key.deserializer", ByteArrayDeserializer.class,
                        "value.deserializer", ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(stack.topics().decisions()).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end =
                    new ConcurrentHashMap<>(consumer.endOffsets(partitions));
            Await.until(
                    "rf.decisions read to its end",
                    Duration.ofSeconds(30),
                    () -> {
                        for (ConsumerRecord<byte[], byte[]> r :
                                consumer.poll(Duration.ofMillis(200))) {
                            ids.add(serde.decode(r.value()).getDecisionId().toString());
                        }
                        return partitions.stream()
                                .allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        assertThat(ids.size()).isGreaterThanOrEqualTo(expected);
        return ids;
    }
}
