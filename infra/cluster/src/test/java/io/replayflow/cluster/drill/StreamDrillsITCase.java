package io.replayflow.cluster.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cluster.ClusterConfig;
import io.replayflow.cluster.ClusterStatus;
import io.replayflow.cluster.FreePorts;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.internal.ProcessRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI-short fault drills against a real local cluster: 3 broker JVMs, a JobManager JVM and a
 * TaskManager JVM, with the ingest and replay-store job jars submitted over REST. A TaskManager
 * kill and a broker kill must each leave the experience log (read by DuckDB) and the clean topic
 * with every acknowledged transition exactly once. Every process is stopped afterwards, also when a
 * test fails (and by a shutdown hook if the JVM is torn down).
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class StreamDrillsITCase {

    @TempDir static Path dir;

    private static LocalCluster cluster;
    private static Thread cleanup;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void startCluster() throws Exception {
        int base = FreePorts.block(8);
        ClusterConfig config =
                ClusterConfig.defaults(dir.resolve("cluster"))
                        .withPorts(base, base + 3, base + 6, base + 7)
                        .withSizes(1, 4, 256, 256, 1280);
        cleanup = new Thread(() -> stopQuietly(config), "stop-test-cluster");
        Runtime.getRuntime().addShutdownHook(cleanup);
        cluster = LocalCluster.up(config, Duration.ofMinutes(4));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster == null) {
            return;
        }
        cluster.down();
        Runtime.getRuntime().removeShutdownHook(cleanup);
        List<ProcessRegistry.Entry> left = cluster.processes().entries();
        assertThat(left).as("processes left after down").isEmpty();
    }

    @Test
    void aSecondInvocationSeesTheWholeClusterThroughItsPidFiles() {
        ClusterStatus status = LocalCluster.attach(cluster.config().dir()).status();

        assertThat(status.healthy()).as("status %s", status).isTrue();
        assertThat(status.kafkaBrokersServing()).isEqualTo(3);
        assertThat(status.processes())
                .filteredOn(ProcessRegistry.Entry::alive)
                .extracting(ProcessRegistry.Entry::name)
                .contains("kafka-1", "kafka-2", "kafka-3", "jobmanager")
                .anyMatch(n -> n.startsWith("taskmanager-"));
    }

    @Test
    void aKilledTaskManagerLosesAndDuplicatesNothing() throws Exception {
        DrillReport report =
                StreamDrill.taskManagerKill(Duration.ofSeconds(30), 150)
                        .run(cluster, report("taskmanager-kill"));

        assertThat(report.checks())
                .as(String.join("\n", report.lines()))
                .allMatch(DrillReport.Check::passed);
        assertThat(report.checks())
                .extracting(DrillReport.Check::what)
                .contains("ingest restored from a checkpoint after the kill");
    }

    @Test
    void aKilledBrokerLosesAndDuplicatesNothing() throws Exception {
        DrillReport report =
                StreamDrill.brokerKill(Duration.ofSeconds(30), 150)
                        .run(cluster, report("broker-kill"));

        assertThat(report.checks())
                .as(String.join("\n", report.lines()))
                .allMatch(DrillReport.Check::passed);
        assertThat(cluster.kafka().running()).as("brokers after the drill").hasSize(3);
    }

    private static DrillReport report(String name) {
        return new DrillReport(name, new PrintWriter(System.out, true));
    }

    private static void stopQuietly(ClusterConfig config) {
        try {
            LocalCluster.attach(config.dir()).down();
        } catch (RuntimeException e) {
            // best effort while the JVM goes down
        }
    }
}
