package io.replayflow.actor.bench;

import io.replayflow.infra.stack.LocalStack;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs {@link ActorBenchmark} against an embedded broker ({@code LocalStack}, Kafka only), as
 * {@code replayflow bench actors} does. Not a test. From the repository root:
 *
 * <pre>
 * ./mvnw -B -q -o -pl actor-service test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx2g -cp %classpath io.replayflow.actor.bench.ActorBenchmarkMain [MEASURE_SECONDS]"
 * </pre>
 */
public final class ActorBenchmarkMain {
    private ActorBenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        int measureSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path work = Files.createTempDirectory("replayflow-bench-actors-");
        PrintWriter out = new PrintWriter(System.out, true);
        try (LocalStack stack =
                LocalStack.builder()
                        .withFlink(false)
                        .partitions(4)
                        .brokerProperty("log.retention.bytes", Long.toString(256L << 20))
                        .brokerProperty("log.segment.bytes", Long.toString(64L << 20))
                        .start()) {
            ActorBenchmark.Settings defaults =
                    ActorBenchmark.Settings.defaults(
                            stack.bootstrapServers(), stack.topics(), work);
            ActorBenchmark.run(
                    new ActorBenchmark.Settings(
                            defaults.bootstrapServers(),
                            defaults.topics(),
                            defaults.envId(),
                            List.of(64, 256),
                            Duration.ofSeconds(3),
                            Duration.ofSeconds(measureSeconds),
                            20,
                            work),
                    out);
        }
        System.exit(0);
    }
}
