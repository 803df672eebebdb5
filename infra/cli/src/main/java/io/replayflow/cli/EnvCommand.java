package io.replayflow.cli;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.EnvRollout;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = "Built-in environments.",
        subcommands = {EnvCommand.Rollout.class})
final class EnvCommand {

    @Command(
            name = "rollout",
            mixinStandardHelpOptions = true,
            description = {
                "Set an environment's internal state, apply actions and print one JSON line per"
                        + " step, {\"obs\":[...],\"reward\":r,\"terminated\":b,\"truncated\":b},"
                        + " stopping when the episode ends: to check the dynamics against another"
                        + " implementation.",
                "States: CartPole-v1 x,x_dot,theta,theta_dot; Acrobot-v1"
                        + " theta1,theta2,theta1_dot,theta2_dot; MountainCar-v0 position,velocity."
            })
    static final class Rollout implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--env",
                required = true,
                paramLabel = "ENV",
                description = "CartPole-v1, Acrobot-v1 or MountainCar-v0.")
        String env;

        @Option(
                names = "--state",
                required = true,
                paramLabel = "V1,V2,...",
                description = "The internal state to start from, comma-separated.")
        String state;

        @Option(
                names = "--actions",
                required = true,
                paramLabel = "A1,A2,...",
                description = "Actions to apply in order, comma-separated.")
        String actions;

        @Override
        public Integer call() {
            List<String> lines;
            try {
                lines =
                        new EnvRollout(EnvRegistry.withBuiltIns())
                                .run(
                                        env,
                                        EnvRollout.parseState(state),
                                        EnvRollout.parseActions(actions));
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            lines.forEach(out::println);
            out.flush();
            return ReplayFlow.EXIT_OK;
        }
    }
}
