package io.replayflow.cli;

import picocli.CommandLine.Command;

@Command(
        name = "actors",
        mixinStandardHelpOptions = true,
        description =
                "Run N vectorized actors that publish transitions to Kafka and hot-swap policies.")
final class ActorsCommand extends PendingVerb {
    @Override
    String comesWith() {
        return "it arrives with the actor-service work (environments, batched TF Java policies,"
                + " publishing, hot-swap)";
    }
}
