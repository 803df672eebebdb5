package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replayflow stack} as a user runs it: a separate JVM that comes up, serves a real broker
 * with the topics at the printed address, and stops cleanly on SIGTERM (what Ctrl-C and service
 * managers send).
 */
@Timeout(120)
class StackCommandITCase {

    @TempDir Path data;

    @Test
    void comesUpServesTheTopicsAndStopsCleanly() throws Exception {
        Process stack = startStack("--data", data.toString(), "--kafka-port", "0");
        ProcessOutput output = new ProcessOutput(stack);
        try {
            output.await(l -> l.startsWith("Press Ctrl-C"), Duration.ofSeconds(60));
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
