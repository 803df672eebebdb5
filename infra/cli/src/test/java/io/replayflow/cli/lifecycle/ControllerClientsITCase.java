package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.cli.lifecycle.ControllerDecisions.Kind;
import io.replayflow.cli.lifecycle.ControllerDecisions.Outcome;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.policy.testing.FakeArtifacts;
import io.replayflow.schemas.avro.AssignmentMode;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.testing.Await;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's Kafka clients against a real broker (in this JVM, so its request and connection
 * counters are readable): once running, a pass that decides nothing opens no connection and asks no
 * transaction coordinator for a producer id; a CLI write in between fences the controller's kept
 * producer, and its next decision is made again on what the CLI wrote; and a controller keeps
 * deciding across a restart of the broker (same data, same port).
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerClientsITCase {
    private static final String NAME = "kept";
    private static final int PASSES = 20;
    private static final ControllerConfig CONFIG =
            ControllerOptions.parse(
                    Map.of(
                            "controller.gate.margin", "10",
                            "controller.canary.share", "0.2",
                            "controller.poll-interval", "200ms"));

    @TempDir static Path tmp;
    private static Path data;
    private static LocalStack.Builder stackBuilder;
    private static LocalStack stack;
    private static AssignmentLog log;

    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        stackBuilder =
                LocalStack.builder()
                        .withFlink(false)
                        .partitions(1)
                        .dataDir(tmp.resolve("stack"))
                        .keepData(true)
                        .kafkaPort(port);
        stack = stackBuilder.start();
        log = new AssignmentLog(stack.bootstrapServers(), Map.of(), stack.topics(), TIMEOUT);
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private LifecycleController controller() {
        return LifecycleController.onKafka(
                CONFIG,
                data,
                List.of(NAME),
                stack.bootstrapServers(),
                Map.of(),
                stack.topics(),
                "CartPole-v1",
                new ControllerMetrics(new PrometheusRegistry()),
                outcomes::add);
    }

    @Test
    @Order(1)
    void aRunningControllerKeepsItsClientsAndAFencedWriteIsDecidedAgain() throws Exception {
        publish(1, 480, 470);
        try (LifecycleController c = controller()) {
            assertThat(c.pass()).extracting(Outcome::kind).containsExactly(Kind.TOOK_OVER);
            c.pass(); // warm: every client the controller keeps is open now

            long connections = connections();
            long initPids = requests("InitProducerId");
            long fetches = requests("Fetch");
            long metadata = requests("Metadata");
            long listOffsets = requests("ListOffsets");
            OperatingSystemMXBean os =
                    (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long idleCpu = os.getProcessCpuTime();
            long idleStart = System.nanoTime();
            Thread.sleep(2_000);
            double idleCpuNsPerSecond =
                    (os.getProcessCpuTime() - idleCpu) / ((System.nanoTime() - idleStart) / 1e9);
            long cpu = os.getProcessCpuTime();
            long started = System.nanoTime();
            for (int i = 0; i < PASSES; i++) {
                assertThat(c.pass()).extracting(Outcome::kind).containsExactly(Kind.NOTHING);
            }
            double wall = (System.nanoTime() - started) / 1e9;
            double passCpuMs =
                    (os.getProcessCpuTime() - cpu - idleCpuNsPerSecond * wall) / 1e6 / PASSES;
            long newConnections = connections() - connections;
            long newInitPids = requests("InitProducerId") - initPids;
            // The figures of docs/BENCHMARKS.md ("controller clients").
            System.out.printf(
                    Locale.ROOT,
                    "controller passes: %d passes deciding nothing: %.1f connections, %.1f"
                        + " InitProducerId, %.1f Fetch, %.1f Metadata, %.1f ListOffsets requests"
                        + " per pass; %.1f ms wall, %.1f ms CPU (controller and broker, idle %.0f"
                        + " ms/s taken off) per pass%n",
                    PASSES,
                    newConnections / (double) PASSES,
                    newInitPids / (double) PASSES,
                    (requests("Fetch") - fetches) / (double) PASSES,
                    (requests("Metadata") - metadata) / (double) PASSES,
                    (requests("ListOffsets") - listOffsets) / (double) PASSES,
                    wall * 1e3 / PASSES,
                    passCpuMs,
                    idleCpuNsPerSecond / 1e6);
            assertThat(newConnections).as("connections opened by passes").isZero();
            assertThat(newInitPids).as("producer ids asked for by passes").isZero();

            // A user writes between two passes (their verb fences the controller's producer), then
            // v2 passes the gate: the controller, fenced on its write, decides again on #2.
            Optional<PolicyAssignment> alice =
                    log.update(
                            NAME,
                            state ->
                                    Optional.of(
                                            PolicyAssignment.newBuilder(
                                                            state.latest().orElseThrow())
                                                    .setSequence(2)
                                                    .setReason("alice looked at it")
                                                    .setDecider("alice")
                                                    .setMode(AssignmentMode.AUTOMATIC)
                                                    .setDecidedAtMs(System.currentTimeMillis())
                                                    .build()));
            assertThat(alice).isPresent();
            publish(2, 490, 475);
            assertThat(c.pass()).extracting(Outcome::kind).containsExactly(Kind.GATE_PASSED);
        }
        assertThat(log.history(NAME))
                .extracting(a -> a.getSequence() + " " + a.getDecider())
                .containsExactly("1 controller", "2 alice", "3 controller");
        assertThat(log.current(NAME).orElseThrow().getCanary().getVersion()).isEqualTo(2);
    }

    @Test
    @Order(2)
    void aRunningControllerDecidesAcrossABrokerRestart() throws Exception {
        try (LifecycleController c = controller()) {
            c.start();
            Thread.sleep(1_000); // some passes on the first broker: nothing to decide (v2 canary)
            stack.close();
            Thread.sleep(3_000); // passes fail while the broker is down
            stack = stackBuilder.start();
            log = new AssignmentLog(stack.bootstrapServers(), Map.of(), stack.topics(), TIMEOUT);
            // The canary fails its first live figures: rolled back by the controller that ran
            // across the restart.
            failCanary();
            Await.until(
                    "the canary is rolled back after the broker restart",
                    Duration.ofSeconds(120),
                    () -> log.current(NAME).orElseThrow().getSequence() == 4);
            assertThat(c.running()).isTrue();
        }
        assertThat(outcomes).extracting(Outcome::kind).contains(Kind.ROLLED_BACK);
        assertThat(log.history(NAME))
                .extracting(PolicyAssignment::getSequence)
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(log.current(NAME).orElseThrow().getCanary()).isNull();
    }

    /** Enough failure reports against canary v2 to roll it back (the default threshold). */
    private static void failCanary() throws Exception {
        PolicyAssignment canary = log.current(NAME).orElseThrow();
        try (var producer =
                new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                        Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            var serde =
                    io.replayflow.schemas.serde.SingleObjectSerde.forClass(
                            io.replayflow.schemas.avro.PolicyFailure.class);
            for (int i = 0; i < CONFIG.failureReports(); i++) {
                io.replayflow.schemas.avro.PolicyFailure f =
                        io.replayflow.schemas.avro.PolicyFailure.newBuilder()
                                .setPolicyName(NAME)
                                .setVersion(2)
                                .setKind(io.replayflow.schemas.avro.PolicyFailureKind.ACT)
                                .setReason("test")
                                .setReporter("actor-" + i)
                                .setMessage("cannot act")
                                .setAssignmentSequence(canary.getSequence())
                                .setReportedAtMs(System.currentTimeMillis())
                                .build();
                producer.send(
                                new org.apache.kafka.clients.producer.ProducerRecord<>(
                                        stack.topics().policyFailures(),
                                        NAME.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                        serde.encode(f)))
                        .get();
            }
        }
    }

    private static void publish(long version, double dr, double low) throws Exception {
        Path dir = FakeArtifacts.write(data.resolve("policies"), NAME, version, List.of(4), 2);
        Files.writeString(
                dir.resolve("ope.json"),
                String.format(
                        Locale.ROOT,
                        "{\"estimates\": {\"dr\": {\"value\": %s, \"low\": %s, \"high\": %s}}}",
                        dr,
                        low,
                        2 * dr - low));
    }

    /** Connections the broker in this JVM accepted, over its listeners. */
    private static long connections() throws Exception {
        return sum("kafka.server:type=socket-server-metrics,*", "connection-creation-total");
    }

    /** Requests of {@code type} the broker in this JVM received. */
    private static long requests(String type) throws Exception {
        return sum(
                "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=" + type + ",*",
                "Count");
    }

    private static long sum(String pattern, String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long total = 0;
        for (ObjectName n : server.queryNames(new ObjectName(pattern), null)) {
            try {
                total += ((Number) server.getAttribute(n, attribute)).longValue();
            } catch (javax.management.AttributeNotFoundException e) {
                // a per-processor bean without the total
            }
        }
        return total;
    }
}
