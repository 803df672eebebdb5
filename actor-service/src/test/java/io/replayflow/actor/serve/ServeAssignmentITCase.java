package io.replayflow.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.actor.publish.PublisherSettings;
import io.replayflow.actor.testing.TestPolicies;
import io.replayflow.actor.testing.TestPolicies.Artifact;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.assign.CanarySplit;
import io.replayflow.schemas.avro.AssignedVersion;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyFailureKind;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.env.EnvSpecs;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision service follows the policy's assignment as the actors do: a real broker, a real
 * Jetty server and the JDK's HTTP client, real SavedModels. Without an assignment the newest
 * version (v2) acts; with v1 champion and v2 a 50% canary each session is given the version that
 * {@link CanarySplit} gives its id and keeps it for all its decisions, with the exact ε-greedy
 * probability of that version, logged on {@code rf.decisions} as answered; a session that started
 * on the canary keeps it across the rollback, and every session starting after the rollback acts
 * with v1.
 */
@Timeout(180)
class ServeAssignmentITCase {
    private static final String POLICY = "routed";
    private static final double EPSILON = 0.1;
    private static final double SHARE = 0.5;
    private static final int CLIENTS = 4;
    private static final int SESSIONS_PER_CLIENT = 12;
    private static final int DECISIONS_PER_SESSION = 6;

    private static LocalStack stack;
    private static Producer<byte[], byte[]> policies;
    private static AssignmentLog assignments;

    @TempDir static Path artifacts;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().withFlink(false).partitions(2).start();
        policies =
                new KafkaProducer<>(
                        PublisherSettings.defaults(stack.bootstrapServers(), "test-trainer")
                                .producerProperties());
        assignments =
                new AssignmentLog(
                        stack.bootstrapServers(), Map.of(), stack.topics(), Duration.ofSeconds(30));
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
    private record Answer(
            String sessionId, String decisionId, int action, double probability, long version) {}

    @Test
    void sessionsSplitByHashKeepTheirVersionAndARollbackSendsNewSessionsToTheChampion()
            throws Exception {
        Artifact v1 = TestPolicies.versionPicking(artifacts, POLICY, 1, EnvSpecs.CART_POLE);
        Artifact v2 = TestPolicies.versionPicking(artifacts, POLICY, 2, EnvSpecs.CART_POLE);
        announce(v1.announcement());
        announce(v2.announcement());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        List<Answer> all = new CopyOnWriteArrayList<>();

        try (DecisionService service = DecisionService.start(config(POLICY))) {
            URI base = service.uri();
            Await.until(
                    "the service loads v2, the newest version",
                    Duration.ofSeconds(30),
                    () -> service.holder().version() == 2);

            List<Answer> unassigned = drive(http, json, base, "none");
            all.addAll(unassigned);
            assertThat(unassigned)
                    .as("without an assignment the newest version acts every session")
                    .allMatch(a -> a.version() == 2);

            assignments.publish(
                    assignment(1, v1.announcement(), v2.announcement(), SHARE, "canary"));
            Await.until(
                    "the service follows assignment #1",
                    Duration.ofSeconds(30),
                    () -> service.assignmentSequence() == 1);
            String longSession = firstCanaryId("long-");
            Answer before = decide(http, json, base, longSession, 0);
            all.add(before);
            List<Answer> canaried = drive(http, json, base, "canary");
            all.addAll(canaried);

            assignments.publish(assignment(2, v1.announcement(), null, 0.0, "rollback"));
            Await.until(
                    "the service follows assignment #2",
                    Duration.ofSeconds(30),
                    () -> service.assignmentSequence() == 2);
            Answer after = decide(http, json, base, longSession, 1);
            all.add(after);
            end(http, base, longSession);
            List<Answer> rolledBack = drive(http, json, base, "rollback");
            all.addAll(rolledBack);

            assertThat(before.version()).as("%s before the rollback", longSession).isEqualTo(2);
            assertThat(after.version())
                    .as("%s keeps the canary to its end across the rollback", longSession)
                    .isEqualTo(2);

            Map<String, List<Answer>> bySession = bySession(canaried);
            Map<Long, Integer> sessionsByVersion = new HashMap<>();
            for (Map.Entry<String, List<Answer>> e : bySession.entrySet()) {
                long expected = CanarySplit.toCanary(e.getKey(), SHARE) ? 2 : 1;
                assertThat(e.getValue())
                        .as("every decision of %s with the version its id hashes to", e.getKey())
                        .allMatch(a -> a.version() == expected);
                sessionsByVersion.merge(expected, 1, Integer::sum);
            }
            assertThat(sessionsByVersion.get(1L)).as("sessions on the champion").isPositive();
            assertThat(sessionsByVersion.get(2L)).as("sessions on the canary").isPositive();
            assertThat(rolledBack)
                    .as("every session that starts after the rollback acts with v1")
                    .allMatch(a -> a.version() == 1);
            assertThat(service.router().routing().canary()).isNull();
        }

        for (Answer a : all) {
            assertThat(a.probability())
                    .as("probability of %s", a)
                    .isCloseTo(expectedProbability(a), Offset.offset(1e-6));
        }
        Map<String, Decision> logged = decisionsLogged(all.size());
        for (Answer a : all) {
            Decision d = logged.get(a.decisionId());
            assertThat(d).as("%s in rf.decisions", a.decisionId()).isNotNull();
            assertThat(d.getPolicyVersion()).as("logged version of %s", a).isEqualTo(a.version());
            assertThat(d.getAction()).as("logged action of %s", a).isEqualTo(a.action());
            assertThat((double) d.getProbability())
                    .as("logged probability of %s", a)
                    .isCloseTo(a.probability(), Offset.offset(1e-7));
        }
    }

    @Test
    void aCanaryTheServiceCannotLoadIsReportedAndEverySessionStaysOnTheChampion() throws Exception {
        String policy = "damaged";
        Artifact v1 = TestPolicies.versionPicking(artifacts, policy, 1, EnvSpecs.CART_POLE);
        Artifact v2 = TestPolicies.versionPicking(artifacts, policy, 2, EnvSpecs.CART_POLE);
        announce(v1.announcement());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();

        try (DecisionService service = DecisionService.start(config(policy))) {
            Await.until(
                    "the service loads v1",
                    Duration.ofSeconds(30),
                    () -> service.holder().version() == 1);
            // Damaged after its manifest recorded the digests, so verification refuses it.
            TestPolicies.corrupt(v2);
            assignments.publish(
                    assignment(1, v1.announcement(), v2.announcement(), SHARE, "bad canary"));
            PolicyFailure report = failuresReported(policy);
            assertThat(report.getVersion()).isEqualTo(2);
            assertThat(report.getKind()).isEqualTo(PolicyFailureKind.SWAP);
            assertThat(report.getReason().toString()).isEqualTo("CHECKSUM_MISMATCH");
            assertThat(report.getAssignmentSequence()).isEqualTo(1);
            assertThat(report.getReporter().toString()).startsWith("serve-");

            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String session = "after-refusal-" + i;
                for (int n = 0; n < 3; n++) {
                    answers.add(decide(http, json, service.uri(), policy, session, n));
                }
                end(http, service.uri(), session);
            }
            assertThat(
                            answers.stream()
                                    .map(Answer::sessionId)
                                    .filter(id -> CanarySplit.toCanary(id, SHARE)))
                    .as("sessions the split would give the canary")
                    .isNotEmpty();
            assertThat(answers)
                    .as("a canary the service refused acts no session")
                    .isNotEmpty()
                    .allMatch(a -> a.version() == 1);
        }
    }

    /** The first failure report for {@code policy} on rf.policy.failures, waiting up to 30 s. */
    private static PolicyFailure failuresReported(String policy) throws Exception {
        SingleObjectSerde<PolicyFailure> serde = SingleObjectSerde.forClass(PolicyFailure.class);
        List<PolicyFailure> found = new ArrayList<>();
        Map<String, Object> props =
                Map.of(
                        "bootstrap.servers", stack.bootstrapServers(),
                        "key.deserializer", ByteArrayDeserializer.class,
                        "value.deserializer", ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(stack.topics().policyFailures()).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Await.until(
                    "a failure report for " + policy,
                    Duration.ofSeconds(30),
                    () -> {
                        for (ConsumerRecord<byte[], byte[]> r :
                                consumer.poll(Duration.ofMillis(200))) {
                            PolicyFailure f = serde.decode(r.value());
                            if (f.getPolicyName().toString().equals(policy)) {
                                found.add(f);
                            }
                        }
                        return !found.isEmpty();
                    });
        }
        return found.get(0);
    }

    /**
     * ε-greedy over 2 actions: v's greedy action is v % 2 ({@link TestPolicies#versionPicking}),
     * chosen with 1 − ε + ε/2; the other with ε/2.
     */
    private static double expectedProbability(Answer a) {
        return a.action() == a.version() % 2 ? 1 - EPSILON + EPSILON / 2 : EPSILON / 2;
    }

    /**
     * {@link #CLIENTS} concurrent clients, each running {@link #SESSIONS_PER_CLIENT} sessions of
     * {@link #DECISIONS_PER_SESSION} decisions one after another and ending each.
     */
    private static List<Answer> drive(HttpClient http, ObjectMapper json, URI base, String phase)
            throws Exception {
        List<Answer> answers = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    for (int s = 0; s < SESSIONS_PER_CLIENT; s++) {
                                        String session = phase + "-" + client + "-" + s;
                                        for (int n = 0; n < DECISIONS_PER_SESSION; n++) {
                                            answers.add(decide(http, json, base, session, n));
                                        }
                                        end(http, base, session);
                                    }
                                } catch (Throwable e) {
                                    failures.add(e);
                                }
                            },
                            "client-" + phase + "-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join(60_000);
        }
        assertThat(failures).as("failed requests in phase %s", phase).isEmpty();
        assertThat(answers).hasSize(CLIENTS * SESSIONS_PER_CLIENT * DECISIONS_PER_SESSION);
        return answers;
    }

    private static Answer decide(
            HttpClient http, ObjectMapper json, URI base, String session, int n) throws Exception {
        return decide(http, json, base, POLICY, session, n);
    }

    private static Answer decide(
            HttpClient http, ObjectMapper json, URI base, String policy, String session, int n)
            throws Exception {
        String body =
                "{\"policy\":\""
                        + policy
                        + "\",\"session_id\":\""
                        + session
                        + "\",\"obs\":[0.01,-0.02,0.03,"
                        + n / 100.0
                        + "]}";
        HttpResponse<String> r = post(http, base.resolve("v1/decisions"), body);
        assertThat(r.statusCode()).as("decision for %s: %s", session, r.body()).isEqualTo(200);
        JsonNode a = json.readTree(r.body());
        return new Answer(
                session,
                a.get("decision_id").asText(),
                a.get("action").asInt(),
                a.get("probability").asDouble(),
                a.get("policy_version").asLong());
    }

    private static void end(HttpClient http, URI base, String session) throws Exception {
        HttpResponse<String> r =
                post(
                        http,
                        base.resolve("v1/sessions/" + session + "/end"),
                        "{\"terminated\":true}");
        assertThat(r.statusCode()).as("end of %s: %s", session, r.body()).isEqualTo(200);
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String body)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, List<Answer>> bySession(List<Answer> answers) {
        Map<String, List<Answer>> out = new HashMap<>();
        for (Answer a : answers) {
            out.computeIfAbsent(a.sessionId(), k -> new ArrayList<>()).add(a);
        }
        return out;
    }

    /** The first id {@code prefix + i} that the split gives to the canary. */
    private static String firstCanaryId(String prefix) {
        for (int i = 0; ; i++) {
            if (CanarySplit.toCanary(prefix + i, SHARE)) {
                return prefix + i;
            }
        }
    }

    private static ServeConfig config(String policy) {
        return ServeOptions.parse(
                Map.of(
                        "kafka.bootstrap.servers",
                        stack.bootstrapServers(),
                        "serve.policy.name",
                        policy,
                        "serve.http.port",
                        "0",
                        "serve.epsilon",
                        Double.toString(EPSILON),
                        "serve.swap.poll-interval",
                        "50ms"));
    }

    private static PolicyAssignment assignment(
            long sequence, PolicyVersion champion, PolicyVersion canary, double share, String why) {
        return PolicyAssignment.newBuilder()
                .setPolicyName(champion.getPolicyName())
                .setSequence(sequence)
                .setChampion(assigned(champion))
                .setCanary(canary == null ? null : assigned(canary))
                .setCanaryShare(share)
                .setMode(AssignmentMode.PAUSED)
                .setReason(why)
                .setDecider("test")
                .setDecidedAtMs(System.currentTimeMillis())
                .build();
    }

    private static AssignedVersion assigned(PolicyVersion v) {
        return AssignedVersion.newBuilder()
                .setVersion(v.getVersion())
                .setUri(v.getUri())
                .setSha256(v.getSha256())
                .build();
    }

    private static void announce(PolicyVersion announced) throws Exception {
        policies.send(
                        new ProducerRecord<>(
                                stack.topics().policies(),
                                announced.getPolicyName().getBytes(StandardCharsets.UTF_8),
                                TestPolicies.encode(announced)))
                .get();
    }

    /** Reads rf.decisions from the start to its end; at least {@code expected} decisions. */
    private static Map<String, Decision> decisionsLogged(int expected) throws Exception {
        SingleObjectSerde<Decision> serde = SingleObjectSerde.forClass(Decision.class);
        Map<String, Decision> byId = new HashMap<>();
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
                            Decision d = serde.decode(r.value());
                            byId.put(d.getDecisionId().toString(), d);
                        }
                        return partitions.stream()
                                .allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        assertThat(byId.size()).isGreaterThanOrEqualTo(expected);
        return byId;
    }
}
