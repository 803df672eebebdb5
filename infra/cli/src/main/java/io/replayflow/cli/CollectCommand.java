package io.replayflow.cli;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.policy.Behaviour;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.cli.collect.CollectRequest;
import io.replayflow.cli.collect.CollectResult;
import io.replayflow.cli.collect.Collector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow collect}: a logged dataset through the real path (actors → Kafka → ingest →
 * Parquet experience log), then a summary.
 */
@Command(
        name = "collect",
        mixinStandardHelpOptions = true,
        description = {
            "Log a dataset through the real data path: start the embedded pipeline (as 'stack'),"
                + " run one actor with the given behaviour policy until exactly N transitions are"
                + " published, wait until the ingest job has committed all of them to the Parquet"
                + " experience log under DIR/experience/, then drain and stop. Prints progress,"
                + " then the dataset summary (transitions, episodes, mean return, dead letters) and"
                + " the behaviour policy's return over 100 seeded episodes.",
            "Train from it with 'replayflow train --data DIR ...'."
        })
final class CollectCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Data root to create; its experience log must be empty.")
    Path data;

    @Option(
            names = "--env",
            defaultValue = "CartPole-v1",
            description = "Environment id (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--behaviour",
            defaultValue = "random",
            paramLabel = "NAME",
            description =
                    "Behaviour policy: random (uniform) or cartpole-hand (push toward theta + 0.5"
                        + " theta_dot, with --epsilon exploration) (default: ${DEFAULT-VALUE}).")
    String behaviour;

    @Option(
            names = "--epsilon",
            defaultValue = "0.0",
            paramLabel = "E",
            description =
                    "ε of the ε-greedy exploration around a deterministic behaviour: a constant, or"
                            + " START:END:STEPS for a linear schedule over the actor's steps, e.g."
                            + " 1.0:0.1:20000 for a log from nearly random to nearly the behaviour"
                            + " (default: ${DEFAULT-VALUE}).")
    String epsilon;

    @Option(
            names = "--transitions",
            required = true,
            paramLabel = "N",
            description = "Transitions to log, a multiple of --envs.")
    long transitions;

    @Option(
            names = "--envs",
            defaultValue = "16",
            paramLabel = "K",
            description = "Environments stepped together (default: ${DEFAULT-VALUE}).")
    int envs;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description =
                    "Seed of the environments, the exploration and the behaviour's evaluation"
                            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            paramLabel = "N",
            description = "Partitions of each data topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "2s",
            paramLabel = "DURATION",
            description =
                    "Checkpoint interval of the jobs; Parquet files commit on checkpoints"
                            + " (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(
            names = "--commit-timeout",
            defaultValue = "5m",
            paramLabel = "DURATION",
            description =
                    "Longest wait after the last send for the log to hold every transition"
                            + " (default: ${DEFAULT-VALUE}).")
    String commitTimeout;

    @Option(names = "--json", description = "End with one JSON line of the summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CollectRequest request = request();
        PrintWriter out = spec.commandLine().getOut();
        CollectResult result;
        try {
            result =
                    new Collector(EnvRegistry.withBuiltIns())
                            .collect(request, out, System.console() != null);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        result.render(out);
        if (json) {
            out.println(result.toJson());
        }
        out.flush();
        return ReplayFlow.EXIT_OK;
    }

    private Behaviour behaviour() {
        try {
            return Behaviour.parse(behaviour);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--behaviour: " + e.getMessage());
        }
    }

    /** A constant in [0, 1], or a linear schedule {@code START:END:STEPS}. */
    private EpsilonSchedule epsilon() {
        String usage = "; e.g. 0.65, or 1.0:0.1:20000 for a linear schedule";
        if (epsilon.contains(":")) {
            try {
                return EpsilonSchedule.parse(epsilon);
            } catch (IllegalArgumentException e) {
                throw new UsageError("--epsilon " + epsilon + ": " + e.getMessage());
            }
        }
        double constant;
        try {
            constant = Double.parseDouble(epsilon.trim());
        } catch (NumberFormatException e) {
            throw new UsageError("--epsilon '" + epsilon + "' is not a number" + usage);
        }
        if (!(constant >= 0 && constant <= 1)) {
            throw new UsageError(
                    "--epsilon " + constant + " must be a probability in [0, 1], e.g. 0.65");
        }
        return EpsilonSchedule.constant(constant);
    }

    private CollectRequest request() {
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        if (!registry.contains(env)) {
            throw new UsageError(
                    "--env "
                            + env
                            + " is not a built-in environment; choose one of "
                            + registry.ids());
        }
        try {
            return new CollectRequest(
                    data,
                    env,
                    behaviour(),
                    epsilon(),
                    transitions,
                    envs,
                    seed,
                    partitions,
                    UsageError.duration("--checkpoint-interval", checkpointInterval),
                    UsageError.duration("--commit-timeout", commitTimeout));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
