package io.replayflow.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.infra.stack.testing.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting and stopping itself is under test here, so each test starts its own stacks instead of
 * sharing one per class.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalStackLifecycleITCase {

    @TempDir Path tmp;

    @Test
    void restartsOnKeptDataAndStartsAfreshOtherwise() {
        Path dataDir = tmp.resolve("stack");
        LocalStack.Builder kept =
                LocalStack.builder().withFlink(false).dataDir(dataDir).keepData(true);
        try (LocalStack first = kept.start();
                KafkaProducer<String, byte[]> producer =
                        KafkaTestClients.producer(first.bootstrapServers(), Map.of())) {
            for (int version = 1; version <= 5; version++) {
                producer.send(
                        new ProducerRecord<>(
                                first.topics().policies(),
                                "cartpole",
                                ("v" + version).getBytes(StandardCharsets.UTF_8)));
            }
        }

        try (LocalStack second = kept.start()) {
            assertThat(values(second, second.topics().policies()))
                    .containsExactly("v1", "v2", "v3", "v4", "v5");
        }
        try (LocalStack fresh =
                LocalStack.builder().withFlink(false).dataDir(dataDir).keepData(false).start()) {
            assertThat(values(fresh, fresh.topics().policies())).isEmpty();
        }
        assertThat(dataDir).isDirectory();
    }

    @Test
    @SuppressWarnings("try") // CloseableIterator.close() may throw InterruptedException
    void closeStopsEveryThreadItStartedAndIsIdempotent() throws Exception {
        Set<String> before = nonDaemonThreads();
        LocalStack stack = LocalStack.builder().start();
        Path dataDir = stack.dataDir();
        try (CloseableIterator<Long> results =
                stack.executionEnvironment().fromSequence(1, 10).executeAndCollect("tiny")) {
            results.forEachRemaining(n -> {});
        }

        stack.close();
        stack.close();

        awaitNoNewNonDaemonThreads(before);
        assertThat(dataDir).doesNotExist();
        assertThatThrownBy(stack::executionEnvironment)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("executionEnvironment() called on a closed LocalStack");
    }

    @Test
    void kafkaOnlyStackExplainsMissingFlink() {
        try (LocalStack stack = LocalStack.builder().withFlink(false).start()) {
            assertThatThrownBy(stack::miniCluster)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "miniCluster() needs Flink, but this stack was started with"
                                    + " withFlink(false): build it with withFlink(true)");
        }
    }

    private static List<String> values(LocalStack stack, String topic) {
        return KafkaTestClients.readAll(stack.bootstrapServers(), topic, "read_committed").stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    /** The JVM exits only when these are gone, so the CLI hangs on any the stack leaves behind. */
    private static Set<String> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .map(t -> t.getName() + "#" + t.getId())
                .collect(Collectors.toSet());
    }

    private static void awaitNoNewNonDaemonThreads(Set<String> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Set<String> left;
        do {
            left = nonDaemonThreads();
            left.removeAll(before);
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("non-daemon threads still alive after close()").isEmpty();
    }
}
