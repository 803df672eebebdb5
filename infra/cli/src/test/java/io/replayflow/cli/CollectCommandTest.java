package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code replayflow collect}'s flags: bad values are one line naming the flag, exit code 2. */
@Timeout(60)
class CollectCommandTest {

    @TempDir Path data;

    private record Result(int exitCode, String out, String err) {}

    private Result collect(String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "collect";
        args[1] = "--data";
        args[2] = data.resolve("new").toString();
        System.arraycopy(flags, 0, args, 3, flags.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReplayFlow.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void transitionsMustBeAMultipleOfTheEnvironments() {
        Result r = collect("--transitions", "100", "--envs", "16");
        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err())
                .contains(
                        "replayflow collect: --transitions 100 must be a positive multiple of"
                                + " --envs 16 (the actor steps all its environments together),"
                                + " e.g. 112");
    }

    @Test
    void anUnknownBehaviourNamesTheChoices() {
        Result r = collect("--transitions", "64", "--behaviour", "expert");
        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err())
                .contains(
                        "--behaviour: unknown behaviour 'expert': choose one of random,"
                                + " cartpole-hand");
    }

    @Test
    void theHandControllerOnlyDrivesCartPole() {
        Result r =
                collect(
                        "--transitions",
                        "64",
                        "--env",
                        "Acrobot-v1",
                        "--behaviour",
                        "cartpole-hand");
        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err())
                .contains(
                        "--behaviour cartpole-hand drives CartPole-v1 only, not Acrobot-v1: use"
                                + " random for other environments");
    }

    @Test
    void epsilonIsAProbability() {
        Result r = collect("--transitions", "64", "--epsilon", "1.5");
        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err()).contains("--epsilon 1.5 must be a probability in [0, 1], e.g. 0.65");
    }

    @Test
    void aScheduleWithAnEpsilonOutsideZeroOneIsNamed() {
        Result r = collect("--transitions", "64", "--epsilon", "1.2:0.1:64");
        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err())
                .contains("--epsilon 1.2:0.1:64: epsilon start must be a probability in [0, 1]");
    }

    @Test
    void anEpsilonThatIsNeitherNumberNorScheduleIsNamed() {
        Result r = collect("--transitions", "64", "--epsilon", "lots");
        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err())
                .contains(
                        "--epsilon 'lots' is not a number; e.g. 0.65, or 1.0:0.1:20000 for a"
                                + " linear schedule");
    }

    @Test
    void anUnknownEnvironmentIsNamed() {
        Result r = collect("--transitions", "64", "--env", "Pong-v5");
        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err()).contains("--env Pong-v5 is not a built-in environment");
    }
}
