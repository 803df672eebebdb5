package io.replayflow.cli;

import picocli.CommandLine.Command;

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
                    "Transitions, episodes, returns by policy version, time range, partitions,"
                            + " files and dead letters of a data root.")
    static final class Inspect extends PendingVerb {
        @Override
        String comesWith() {
            return "it arrives with the ingest job (the experience log it reads)";
        }
    }
}
