package io.replayflow.cli;

import picocli.CommandLine.Command;

@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "List, promote and roll back published policy versions.",
        subcommands = {
            PolicyCommand.ListVersions.class,
            PolicyCommand.Promote.class,
            PolicyCommand.Rollback.class
        })
final class PolicyCommand {

    private static final String COMES_WITH =
            "it arrives with the trainer's policy publishing (rf.policies)";

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Published versions.")
    static final class ListVersions extends PendingVerb {
        @Override
        String comesWith() {
            return COMES_WITH;
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Make a version the one actors follow.")
    static final class Promote extends PendingVerb {
        @Override
        String comesWith() {
            return COMES_WITH;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Go back to an earlier artifact under a new version number.")
    static final class Rollback extends PendingVerb {
        @Override
        String comesWith() {
            return COMES_WITH;
        }
    }
}
