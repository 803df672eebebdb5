package io.replayflow.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * A verb that is part of the fixed command line but not built yet: it says which piece of work
 * brings it and what works today, and exits {@link ReplayFlow#EXIT_NOT_AVAILABLE}. It accepts any
 * arguments so scripts written against the final flags get this message, not a usage error.
 */
abstract class PendingVerb implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Unmatched List<String> ignored;

    /** What this verb will do and what it depends on, one sentence. */
    abstract String comesWith();

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .printf(
                        "%s: not available yet in this build; %s. Available now: 'replayflow"
                                + " stack' (embedded Kafka + Flink).%n",
                        spec.qualifiedName(), comesWith());
        return ReplayFlow.EXIT_NOT_AVAILABLE;
    }
}
