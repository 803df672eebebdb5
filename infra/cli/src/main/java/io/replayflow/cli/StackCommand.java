package io.replayflow.cli;

import io.replayflow.cli.loop.EmbeddedPipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow stack}: the embedded stack (a real Kafka broker in KRaft mode and a Flink
 * MiniCluster) with ReplayFlow's topics, up until Ctrl-C.
 */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description = {
            "Start the embedded stack: a real Kafka broker (KRaft) with ReplayFlow's topics and a"
                    + " Flink MiniCluster. Prints the bootstrap address and data root, runs until"
                    + " interrupted (Ctrl-C), then shuts down cleanly."
        })
final class StackCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "Data root: Kafka logs, checkpoints, datasets (default: ${DEFAULT-VALUE}).",
            defaultValue = "replayflow-data")
    Path data;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            description =
                    "Kafka listener port on 127.0.0.1; 0 picks a free one (default:"
                            + " ${DEFAULT-VALUE}).",
            defaultValue = "9092")
    int kafkaPort;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of each data topic (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int partitions;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Replaces 'rf.' in every topic name (default: ${DEFAULT-VALUE}).",
            defaultValue = "rf.")
    String topicPrefix;

    @Option(
            names = "--no-jobs",
            description = "Start only Kafka and Flink, without the ingest and replay-store jobs.")
    boolean noJobs;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "10s",
            description =
                    "Checkpoint interval of both jobs; Parquet files commit on checkpoints"
                            + " (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(
            names = "--fresh",
            description =
                    "Delete the broker's data under DIR/kafka before starting (default: keep it,"
                            + " so a restart finds its topics and records).")
    boolean fresh;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        EmbeddedPipeline pipeline = start();
        double startupSeconds = (System.nanoTime() - started) / 1e9;
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            out.println("Stopping the stack...");
                            out.flush();
                            try {
                                pipeline.close();
                                out.println("Stack stopped cleanly.");
                            } catch (Exception e) {
                                out.println("Stack stopped with an error: " + e.getMessage());
                            } finally {
                                out.flush();
                                stopped.countDown();
                            }
                        },
                        "replayflow-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.printf("ReplayFlow stack is up (%.1f s).%n", startupSeconds);
        out.printf("  Kafka bootstrap: %s%n", pipeline.stack().bootstrapServers());
        out.printf("  Data root:       %s%n", pipeline.dataRoot());
        out.printf("  Flink REST:      %s%n", pipeline.stack().flinkRestAddress());
        out.printf("  Topics:          %s%n", String.join(", ", pipeline.stack().topics().all()));
        if (pipeline.jobsRunning()) {
            out.printf(
                    "  Jobs:            ingest (%s) -> %sexperience/, replay-store (%s) ->"
                            + " %sreplay/%s/%n",
                    pipeline.ingestJob().getJobID(),
                    pipeline.dataRoot(),
                    pipeline.replayJob().getJobID(),
                    pipeline.dataRoot(),
                    pipeline.datasetName());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return ReplayFlow.EXIT_OK;
    }

    private EmbeddedPipeline start() throws Exception {
        if (kafkaPort < 0 || kafkaPort > 65535) {
            throw new UsageError(
                    "--kafka-port "
                            + kafkaPort
                            + " is not a TCP port: use 1-65535, or 0 for any free port");
        }
        if (partitions < 1) {
            throw new UsageError("--partitions " + partitions + " must be at least 1");
        }
        try {
            return EmbeddedPipeline.start(
                    new EmbeddedPipeline.Settings(
                            data,
                            kafkaPort,
                            partitions,
                            topicPrefix,
                            !fresh,
                            !noJobs,
                            UsageError.duration("--checkpoint-interval", checkpointInterval),
                            Duration.ofMinutes(5),
                            "default"));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
