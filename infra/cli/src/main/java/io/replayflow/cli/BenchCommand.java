package io.replayflow.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks")
final class BenchCommand extends PendingVerb {
    @Override
    String comesWith() {
        return " actors, ingest, replay, trainer; each prints its figures.:each benchmark arrives"
                + " with the module it measures";
    }
}
