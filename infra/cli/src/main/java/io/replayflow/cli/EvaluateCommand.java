package io.replayflow.cli;

import picocli.CommandLine.Command;

@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Run a policy artifact greedily on a built-in environment for N seeded episodes.")
final class EvaluateCommand extends PendingVerb {
    @Override
    String comesWith() {
        return "it arrives with the trainer-job work";
    }
}
