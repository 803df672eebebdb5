package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code replayflow learn}'s flags: each bad value is one line on stderr naming the flag and the
 * fix, exit 2, before anything starts (no endpoint, no trainer, nothing written under the data
 * root). The running service is covered by {@code LearnCommandITCase}.
 */
@Timeout(30)
class LearnCommandTest {

    @TempDir Path data;

    private record Result(int exitCode, String out, String err) {}

    private Result learn(String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "learn",
                                "--data",
                                data.toString(),
                                "--bootstrap",
                                "127.0.0.1:9",
                                "--policy",
                                "cartpole"));
        if (!List.of(extra).contains("--env")) {
            args.addAll(List.of("--env", "CartPole-v1"));
        }
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                ReplayFlow.run(
                        args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--algo|ppo|trainer.algo='ppo' is not a valid dqn",
                "--publish-every|0|publish-every is 0; it must be positive",
                "--min-size|-5|min-size is -5; it must be positive",
                "--metrics-port|70000|--metrics-port 70000 is not a port",
                "--progress-interval|soon|--progress-interval",
                "--set|trainer.lr|--set 'trainer.lr' needs the form key=value",
                "--set|trainer.bogus=1|trainer.bogus",
                "--env|NoSuchEnv-v0|env NoSuchEnv-v0 is not built in"
            })
    void badValueIsOneLineNamingItWithExit2BeforeAnythingStarts(
            String flag, String value, String message) throws Exception {
        Result r = learn(flag, value);

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
        try (var files = Files.list(data)) {
            assertThat(files).as("nothing written under the data root").isEmpty();
        }
    }

    @Test
    void aBadPolicyGradientSettingIsOneLineNamingTheKey() throws Exception {
        Result r = learn("--algo", "impala", "--set", "trainer.vtrace.rho-bar=0");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("trainer.vtrace.rho-bar=0.0 must be > 0");
        assertThat(r.out()).isEmpty();
        try (var files = Files.list(data)) {
            assertThat(files).as("nothing written under the data root").isEmpty();
        }
    }

    @Test
    void everyRequiredFlagIsNamedWhenMissing() {
        StringWriter err = new StringWriter();
        int code =
                ReplayFlow.run(
                        new String[] {"learn", "--data", data.toString()},
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err));

        assertThat(code).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("--bootstrap").contains("--policy").contains("--env");
    }

    @Test
    void helpDocumentsTheServiceAndItsDefaults() {
        StringWriter out = new StringWriter();
        int code =
                ReplayFlow.run(
                        new String[] {"learn", "--help"},
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter()));

        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("--publish-every=K")
                .contains("default: 1000")
                .contains("default: double-dqn")
                .contains("rf.policies")
                .contains("final checkpoint");
    }
}
