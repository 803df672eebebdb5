package io.replayflow.cli;

import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.actor.eval.Evaluator;
import io.replayflow.policy.PolicyRejectedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replayflow evaluate}: greedy evaluation of a policy artifact over seeded episodes. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Verify and load a policy artifact (SavedModel + replayflow-policy.json) and run it"
                    + " greedily on a built-in environment for N episodes from a seed.",
            "With --json the last line is {\"mean_return\": x, \"std_return\": y, \"episodes\": n,"
                    + " ...}."
        })
final class EvaluateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "DIR",
            description = "Policy artifact directory.")
    Path policy;

    @Option(
            names = "--env",
            required = true,
            paramLabel = "ENV",
            description = "Environment id, e.g. CartPole-v1.")
    String env;

    @Option(
            names = "--episodes",
            defaultValue = "100",
            paramLabel = "N",
            description = "Episodes (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "Evaluation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "End with one JSON line.")
    boolean json;

    @Override
    public Integer call() {
        EvaluationResult result;
        try {
            result = Evaluator.withBuiltIns().evaluate(policy, env, episodes, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        } catch (PolicyRejectedException e) {
            throw new UsageError("policy refused: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(result.summary());
        if (json) {
            out.println(result.toJson());
        }
        out.flush();
        return ReplayFlow.EXIT_OK;
    }
}
