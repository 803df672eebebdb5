package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.infra.stack.testing.KafkaTestClients;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replayflow stack} as a user runs it: a separate JVM that comes up, serves a real broker
 * with the topics at the printed address, and stops cleanly on SIGTERM (what Ctrl-C and service
 * managers send).
 */
@Timeout(180)
class StackCommandITCase {

    @TempDir Path data;

    @Test
    void comesUpServesTheTopicsAndStopsCleanly() throws Exception {
        Process stack = startStack("--data", data.toString(), "--kafka-port", "0");
        ProcessOutput output = new ProcessOutput(stack);
        try {
            output.await(l -> l.startsWith("Press Ctrl-C"), Duration.ofSeconds(90));
            String bootstrap =
                    output.lines().stream()
                            .filter(l -> l.contains("Kafka bootstrap:"))
                            .map(l -> l.substring(l.indexOf(':') + 1).strip())
                            .findFirst()
                            .orElseThrow();

            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains(
                                "rf.transitions",
                                "rf.transitions.dlq",
                                "rf.transitions.clean",
                                "rf.episodes",
                                "rf.episodes.stats",
                                "rf.priorities",
                                "rf.policies");
            }
            assertThat(output.lines())
                    .anyMatch(l -> l.contains("Data root:") && l.contains(data.toString()));
            assertThat(Files.isDirectory(data.resolve("kafka"))).isTrue();
        } finally {
            stack.toHandle().destroy(); // SIGTERM, leaving the output stream open to drain
        }

        assertThat(stack.waitFor(60, TimeUnit.SECONDS)).as("stack exits after SIGTERM").isTrue();
        output.awaitEnd(Duration.ofSeconds(10));
        assertThat(output.lines()).contains("Stack stopped cleanly.");
    }

    @Test
    void portInUseIsOneLineWithTheFix() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process stack =
                    startStack(
                            "--data",
                            data.toString(),
                            "--kafka-port",
                            String.valueOf(taken.getLocalPort()));
            ProcessOutput output = new ProcessOutput(stack);
            assertThat(stack.waitFor(60, TimeUnit.SECONDS)).isTrue();
            output.awaitEnd(Duration.ofSeconds(10));

            assertThat(stack.exitValue()).isEqualTo(ReplayFlow.EXIT_USAGE);
            assertThat(output.lines())
                    .anyMatch(
                            l ->
                                    l.contains(String.valueOf(taken.getLocalPort()))
                                            && l.contains("already in use"));
        }
    }

    /**
     * Issue 19 item 5: stopped and started again at once on the same ports, the stack comes up.
     * Clients stay connected over the stop, so the stack's side closes first and leaves its ends on
     * the Kafka and HTTP ports in TIME_WAIT, which a free-port check without SO_REUSEADDR mistakes
     * for a listener (the Flink REST and KRaft controller ports are picked free each start, so they
     * cannot clash).
     */
    @Test
    @Timeout(300)
    void restartsRightAfterAStopOnTheSameKafkaAndServePorts() throws Exception {
        int kafkaPort = freePort();
        int servePort = freePort();
        String[] args = {
            "--data",
            data.toString(),
            "--kafka-port",
            String.valueOf(kafkaPort),
            "--serve-port",
            String.valueOf(servePort),
            "--policy",
            "cp",
            "--checkpoint-interval",
            "1s"
        };
        URI healthz = URI.create("http://127.0.0.1:" + servePort + "/healthz");
        HttpClient http = HttpClient.newHttpClient();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                "127.0.0.1:" + kafkaPort))) {
            for (int run = 1; run <= 2; run++) {
                Process stack = startStack(args);
                ProcessOutput output = new ProcessOutput(stack);
                try {
                    output.await(l -> l.startsWith("Press Ctrl-C"), Duration.ofSeconds(120));
                    assertThat(get(http, healthz).statusCode()).as("run %d", run).isEqualTo(200);
                    assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                            .as("run %d", run)
                            .contains("rf.decisions");
                } finally {
                    stack.toHandle().destroy();
                }
                assertThat(stack.waitFor(60, TimeUnit.SECONDS)).isTrue();
                output.awaitEnd(Duration.ofSeconds(10));
                assertThat(output.lines()).as("run %d", run).contains("Stack stopped cleanly.");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Issue 19's path end to end: HTTP decisions, rewards and session ends to the decision service,
     * through rf.decisions and rf.outcomes, joined into exactly one transition per decision on
     * rf.transitions (read committed), with the logged probability and version.
     */
    @Test
    @Timeout(240)
    void serveAndJoinTurnHttpCallsIntoTransitions() throws Exception {
        Process stack =
                startStack(
                        "--data",
                        data.toString(),
                        "--kafka-port",
                        "0",
                        "--serve-port",
                        "0",
                        "--policy",
                        "cp",
                        "--reward-horizon",
                        "1s",
                        "--checkpoint-interval",
                        "1s");
        ProcessOutput output = new ProcessOutput(stack);
        try {
            output.await(l -> l.startsWith("Press Ctrl-C"), Duration.ofSeconds(90));
            String bootstrap = value(output, "Kafka bootstrap:");
            String decisions = value(output, "Decisions:");
            URI base = URI.create(decisions.substring(0, decisions.indexOf(' ')));
            assertThat(output.lines()).anyMatch(l -> l.contains("Join:"));
            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, base.resolve("/healthz")).statusCode()).isEqualTo(200);

            Set<String> ids = new HashSet<>();
            for (int s = 0; s < 3; s++) {
                String session = "it-" + s;
                for (int t = 0; t < 4; t++) {
                    HttpResponse<String> d =
                            post(
                                    http,
                                    base.resolve("/v1/decisions"),
                                    "{\"policy\":\"cp\",\"session_id\":\""
                                            + session
                                            + "\",\"obs\":[0.01,0.0,-0.02,0.0]}");
                    assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
                    JsonNode decision = JSON.readTree(d.body());
                    assertThat(decision.get("policy_version").asLong()).isZero();
                    assertThat(decision.get("probability").asDouble()).isEqualTo(0.5);
                    String id = decision.get("decision_id").asText();
                    ids.add(id);
                    assertThat(
                                    post(
                                                    http,
                                                    base.resolve("/v1/rewards"),
                                                    "{\"decision_id\":\""
                                                            + id
                                                            + "\",\"reward\":1.0,\"reward_id\":\"r-"
                                                            + id
                                                            + "\"}")
                                            .statusCode())
                            .isEqualTo(200);
                }
                assertThat(
                                post(
                                                http,
                                                base.resolve("/v1/sessions/" + session + "/end"),
                                                "{\"final_obs\":[0.1,0.0,0.0,0.0],\"terminated\":true,"
                                                    + "\"truncated\":false}")
                                        .statusCode())
                        .isEqualTo(200);
            }

            // Event time only moves with new records: a live client keeps deciding, which carries
            // the watermark past the ended sessions' horizon.
            List<Transition> joined = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            int tick = 0;
            while (System.nanoTime() < deadline) {
                post(
                        http,
                        base.resolve("/v1/decisions"),
                        "{\"policy\":\"cp\",\"session_id\":\"ticker\",\"obs\":[0,0,0,"
                                + (tick++ % 2)
                                + "]}");
                joined.clear();
                for (ConsumerRecord<byte[], byte[]> r :
                        KafkaTestClients.readAllBytes(bootstrap, "rf.transitions")) {
                    Transition t = TRANSITIONS.decode(r.value());
                    if (t.getEpisodeId().toString().startsWith("it-")) {
                        joined.add(t);
                    }
                }
                if (joined.size() >= 12) {
                    break;
                }
                Thread.sleep(500);
            }

            assertThat(joined).hasSize(12);
            assertThat(joined)
                    .extracting(t -> t.getEpisodeId().toString() + "/" + t.getStep())
                    .doesNotHaveDuplicates();
            for (Transition t : joined) {
                assertThat(t.getReward()).isEqualTo(1.0f);
                assertThat(t.getBehaviorProb()).isEqualTo(0.5f);
                assertThat(t.getPolicyVersion()).isZero();
                assertThat(t.getTerminated()).isEqualTo(t.getStep() == 3);
            }
            assertThat(ids).hasSize(12);
        } finally {
            stack.toHandle().destroy();
        }
        assertThat(stack.waitFor(90, TimeUnit.SECONDS)).as("stack exits after SIGTERM").isTrue();
        output.awaitEnd(Duration.ofSeconds(10));
        assertThat(output.lines()).contains("Stack stopped cleanly.");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SingleObjectSerde<Transition> TRANSITIONS =
            SingleObjectSerde.forClass(Transition.class);

    private static String value(ProcessOutput output, String label) {
        return output.lines().stream()
                .filter(l -> l.contains(label))
                .map(l -> l.substring(l.indexOf(label) + label.length()).strip())
                .findFirst()
                .orElseThrow();
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String json)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(BodyPublishers.ofString(json))
                        .build(),
                BodyHandlers.ofString());
    }

    private static Process startStack(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.replayflow.schemas.avro");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ReplayFlow.class.getName());
        command.add("stack");
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Pumps a child's merged output into a list on a daemon thread. */
    private static final class ProcessOutput {
        private final List<String> lines = new ArrayList<>();
        private final Thread pump;

        ProcessOutput(Process process) {
            BufferedReader reader =
                    new BufferedReader(
                            new InputStreamReader(
                                    process.getInputStream(), StandardCharsets.UTF_8));
            pump =
                    new Thread(
                            () -> {
                                try {
                                    for (String l = reader.readLine();
                                            l != null;
                                            l = reader.readLine()) {
                                        synchronized (lines) {
                                            lines.add(l);
                                            lines.notifyAll();
                                        }
                                    }
                                } catch (IOException e) {
                                    // the process is gone; what was read stays in lines
                                }
                            },
                            "stack-output");
            pump.setDaemon(true);
            pump.start();
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        void await(Predicate<String> line, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (lines.stream().noneMatch(line)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !pump.isAlive()) {
                        throw new AssertionError("expected line not printed; output: " + lines);
                    }
                    lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                }
            }
        }

        void awaitEnd(Duration timeout) throws InterruptedException {
            pump.join(timeout.toMillis());
        }
    }
}
