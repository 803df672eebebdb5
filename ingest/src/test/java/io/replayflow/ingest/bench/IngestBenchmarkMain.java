package io.replayflow.ingest.bench;

import io.replayflow.infra.stack.LocalStack;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * Runs {@link IngestBenchmark} on a fresh {@link LocalStack} (until {@code replayflow bench ingest}
 * wires it). Arguments: {@code [transitions]}.
 */
public final class IngestBenchmarkMain {

    private IngestBenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        BenchmarkSettings settings = BenchmarkSettings.defaults();
        if (args.length > 0) {
            settings = settings.withTransitions(Long.parseLong(args[0]));
        }
        try (LocalStack stack =
                LocalStack.builder()
                        .partitions(settings.partitions())
                        .slotsPerTaskManager(2)
                        .start()) {
            IngestBenchmark.run(
                    stack::executionEnvironment,
                    stack.bootstrapServers(),
                    stack.dataDir(),
                    Optional.of(stack.flinkRestAddress()),
                    settings,
                    new PrintWriter(System.out, true));
        }
        System.exit(0);
    }
}
