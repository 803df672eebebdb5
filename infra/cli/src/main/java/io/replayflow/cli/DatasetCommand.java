package io.replayflow.cli;

import io.replayflow.ingest.inspect.DatasetInspector;
import io.replayflow.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Look into a data root.",
        subcommands = {DatasetCommand.Inspect.class})
final class DatasetCommand {

    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description =
                    "Transitions, episodes, mean return by policy version, time range, partitions"
                            + " and files of a data root's experience log; dead letters by reason"
                            + " when --bootstrap is given (read from the DLQ topic).")
    static final class Inspect implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaClientConfig kafka;

        @Parameters(index = "0", paramLabel = "DIR", description = "Data root.")
        Path dir;

        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers, to count dead letters.")
        String bootstrap;

        @Option(
                names = "--topic-prefix",
                defaultValue = "rf.",
                description = "Topic prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() {
            if (!Files.isDirectory(dir)) {
                throw new UsageError(
                        dir
                                + " is not a directory: give the data root that ingest writes to"
                                + " (the --data of 'replayflow stack')");
            }
            PrintWriter out = spec.commandLine().getOut();
            try {
                DatasetInspector.inspect(
                                dir.toAbsolutePath().toUri(),
                                Optional.ofNullable(bootstrap),
                                kafka.properties(),
                                Topics.withPrefix(topicPrefix))
                        .render(out);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            out.flush();
            return ReplayFlow.EXIT_OK;
        }
    }
}
