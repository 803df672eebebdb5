package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code replayflow controller}'s bad input: one line naming it, exit 2, before any connection. */
@Timeout(30)
class ControllerCommandTest {

    @TempDir Path data;

    private record Result(int code, String err) {}

    private Result run(String... extra) {
        return run(data, extra);
    }

    private static Result run(Path dataRoot, String... extra) {
        List<String> args =
                new ArrayList<>(List.of("controller", "--bootstrap", "127.0.0.1:1", "--data"));
        args.add(dataRoot.toString());
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                ReplayFlow.run(
                        args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, err.toString());
    }

    private static void assertOneLine(Result r, String message) {
        assertThat(r.code()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains(message);
    }

    @Test
    void anUnknownKeyIsNamedWithTheKnownOnes() {
        assertOneLine(
                run("--set", "controller.margin=5"),
                "unknown controller setting 'controller.margin'; known settings:");
    }

    @Test
    void aShareOutsideTheOpenUnitIntervalIsRefused() {
        assertOneLine(
                run("--set", "controller.canary.share=1.5"),
                "controller.canary.share = 1.5 must be in (0, 1), e.g. 0.1");
    }

    @Test
    void aSettingWithoutAnEqualsSignShowsTheForm() {
        assertOneLine(
                run("--set", "controller.canary.share"),
                "--set 'controller.canary.share' needs the form key=value");
    }

    @Test
    void aMissingDataRootIsRefused() {
        assertOneLine(run(data.resolve("nowhere")), "is not a directory: give the data root");
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertOneLine(run("--metrics-port", "70000"), "--metrics-port 70000 is not a port");
    }
}
