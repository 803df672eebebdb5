package io.replayflow.cli;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.EnvRollout;
import io.replayflow.actor.env.minatar.MinAtar;
import io.replayflow.actor.env.minatar.MinAtarOptions;
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
                        + " theta1,theta2,theta1_dot,theta2_dot; MountainCar-v0 position,velocity.",
                "MinAtar/Breakout-v1 and MinAtar/SpaceInvaders-v1 take a JSON object with"
                        + " MinAtar's field names (Breakout: ball_x, ball_y, ball_dir, pos,"
                        + " brick_map as 10 rows of 10 0/1, strike, last_x, last_y); fields left"
                        + " out keep their reset values. Their obs prints as 0/1, the 10x10xn"
                        + " image flattened row-major, channel last; actions are MinAtar's full"
                        + " indices 0-5 (n l u r d f)."
            })
    static final class Rollout implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--env",
                required = true,
                paramLabel = "ENV",
                description =
                        "CartPole-v1, Acrobot-v1, MountainCar-v0, MinAtar/Breakout-v1 or"
                                + " MinAtar/SpaceInvaders-v1.")
        String env;

        @Option(
                names = "--state",
                required = true,
                paramLabel = "STATE",
                description =
                        "The internal state to start from: comma-separated numbers, or for a"
                                + " MinAtar game a JSON object such as"
                                + " '{\"ball_x\":0,\"ball_y\":3,\"ball_dir\":2}'.")
        String state;

        @Option(
                names = "--actions",
                required = true,
                paramLabel = "A1,A2,...",
                description = "Actions to apply in order, comma-separated.")
        String actions;

        @Option(
                names = "--sticky",
                paramLabel = "P",
                description =
                        "MinAtar games only: the probability that a step repeats the previous"
                                + " action (default: MinAtar's 0.1; 0 turns it off).")
        Double sticky;

        @Option(
                names = "--minimal-actions",
                description =
                        "MinAtar games only: act with the game's minimal action set (Breakout: 0"
                                + " 1 2 = n l r) instead of the full indices 0-5.")
        boolean minimalActions;

        @Option(
                names = "--seed",
                defaultValue = "0",
                paramLabel = "N",
                description =
                        "MinAtar games only: seeds the sticky-action draws and the reset state"
                                + " the JSON fields override (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() {
            List<String> lines;
            try {
                lines = MinAtar.isMinAtar(env) ? minAtar() : classic();
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            lines.forEach(out::println);
            out.flush();
            return ReplayFlow.EXIT_OK;
        }

        private List<String> minAtar() {
            MinAtarOptions options = MinAtarOptions.DEFAULTS.withMinimalActionSet(minimalActions);
            if (sticky != null) {
                try {
                    options = options.withStickyActionProbability(sticky);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--sticky: " + e.getMessage(), e);
                }
            }
            return new EnvRollout(EnvRegistry.withBuiltIns())
                    .runMinAtar(env, state, EnvRollout.parseActions(actions), options, seed);
        }

        private List<String> classic() {
            if (sticky != null || minimalActions) {
                throw new IllegalArgumentException(
                        (sticky != null ? "--sticky" : "--minimal-actions")
                                + " applies to MinAtar games only, not "
                                + env
                                + "; drop the flag");
            }
            return new EnvRollout(EnvRegistry.withBuiltIns())
                    .run(env, EnvRollout.parseState(state), EnvRollout.parseActions(actions));
        }
    }
}
