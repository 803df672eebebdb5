package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code replayflow ope}'s bad input: one line on stderr naming the flag or path and the fix, exit
 * 2, before any TensorFlow or Parquet work.
 */
@Timeout(30)
class OpeCommandTest {

    @TempDir Path root;

    private Path data;
    private Path policy;

    @BeforeEach
    void layout() throws Exception {
        data = Files.createDirectories(root.resolve("data"));
        Files.createDirectories(data.resolve("experience"));
        policy = Files.createDirectories(root.resolve("policy"));
    }

    private record Result(int exitCode, String out, String err) {}

    private static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                ReplayFlow.run(
                        args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private Result ope(String... extra) {
        List<String> args = new ArrayList<>(List.of("ope", "--policy", policy.toString()));
        args.addAll(List.of("--data", data.toString()));
        if (!List.of(extra).contains("--env")) {
            args.addAll(List.of("--env", "CartPole-v1"));
        }
        args.addAll(List.of(extra));
        return run(args);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--methods|pdis,magic|choose among pdis,wpdis,fqe,dr",
                "--gamma|0|--gamma 0.0 is outside (0, 1]",
                "--fqe-steps|0|--fqe-steps 0 must be positive",
                "--bootstrap-resamples|5|--bootstrap-resamples 5 is too few",
                "--confidence|1.5|--confidence 1.5 is outside (0, 1)",
                "--tiny-prob|2|--tiny-prob 2.0 is outside (0, 1)",
                "--from|yesterday|--from 'yesterday' is not an ISO-8601 instant",
                "--set|trainer.hidden|--set 'trainer.hidden' needs the form key=value",
                "--env|NoSuchEnv-v0|NoSuchEnv-v0",
                "--fqe-target|two-step|--fqe-target two-step is not known; choose trace or"
                        + " one-step",
                "--fqe-fits|0|--fqe-fits 0 must be at least 1",
                "--fqe-iterates|0|--fqe-iterates 0 must be at least 1",
                "--fqe-history|-1|--fqe-history -1 must be at least 0",
                "--fqe-q|tabular|--fqe-q tabular is not known; choose action-input or heads"
            })
    void badValueIsOneLineNamingItWithExit2(String flag, String value, String message) {
        Result r = ope(flag, value);

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anEmptyTimeRangeIsRefused() {
        Result r = ope("--from", "2026-11-21T00:00:00Z", "--to", "2026-11-20T00:00:00Z");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is not before --to");
    }

    @Test
    void aMissingPolicyDirectoryOrLogIsNamed() throws Exception {
        Files.delete(policy);
        Result noPolicy = ope();
        assertThat(noPolicy.exitCode()).isEqualTo(2);
        assertThat(noPolicy.err()).contains("--policy " + policy + " is not a directory");

        Files.createDirectories(policy);
        Files.delete(data.resolve("experience"));
        Result noLog = ope();
        assertThat(noLog.exitCode()).isEqualTo(2);
        assertThat(noLog.err().lines()).hasSize(1);
        assertThat(noLog.err()).contains("has no experience/ log");
    }

    @Test
    void anEmptyLogSaysWhatToDo() {
        Result r = ope();

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("no transitions in").contains("replayflow collect");
    }

    @Test
    void missingRequiredFlagsAreNamed() {
        Result r = run(List.of("ope", "--data", data.toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--policy").contains("--env");
    }
}
