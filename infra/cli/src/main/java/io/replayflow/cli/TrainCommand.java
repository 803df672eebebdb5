package io.replayflow.cli;

import picocli.CommandLine.Command;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train DQN, Double DQN or discrete CQL offline from a data root, optionally"
                        + " publishing the policy.")
final class TrainCommand extends PendingVerb {
    @Override
    String comesWith() {
        return "it arrives with the trainer-job work";
    }
}
