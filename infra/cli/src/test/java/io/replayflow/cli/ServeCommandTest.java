package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.serve.ServeOptions;
import io.replayflow.schemas.config.OptionTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code serve}'s flags are keys of {@link ServeOptions}: the same defaults, the same rules. */
@Timeout(30)
class ServeCommandTest {

    private record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReplayFlow.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void everyFlagNamesAKeyOfTheTableAndHelpShowsItsDefault() {
        Result r = run("serve", "--help");

        assertThat(r.exitCode()).isZero();
        String help = r.out().replaceAll("\\s+", " ");
        ServeCommand.FLAG_KEYS.forEach(
                (flag, key) -> {
                    OptionTable.Entry entry = ServeOptions.table().entry(key).orElseThrow();
                    assertThat(help).contains(flag);
                    if (!entry.defaultText().startsWith("(")) {
                        assertThat(help)
                                .as("%s shows the default of %s", flag, key)
                                .contains("(default: " + entry.defaultText() + ")");
                    }
                });
    }

    @Test
    void aBrokenRuleNamesTheFlagAndTheKeyOnOneLine() {
        Result r = run("serve", "--bootstrap", "b:9092", "--policy", "p", "--epsilon", "2");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--epsilon: serve.epsilon = 2.0 must be in [0, 1]");
    }

    @Test
    void setReachesAnyKeyAndRefusesToRepeatAFlag() {
        Result unknown = run("serve", "--bootstrap", "b:9092", "--policy", "p", "--set", "x=1");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown serve setting 'x'");

        Result repeated =
                run(
                        "serve",
                        "--bootstrap",
                        "b:9092",
                        "--policy",
                        "p",
                        "--port",
                        "1",
                        "--set",
                        "serve.http.port=2");
        assertThat(repeated.exitCode()).isEqualTo(2);
        assertThat(repeated.err())
                .contains("--set serve.http.port repeats --port: give one of them");

        Result fixed =
                run(
                        "serve",
                        "--bootstrap",
                        "b:9092",
                        "--policy",
                        "p",
                        "--set",
                        "serve.producer.acks=1");
        assertThat(fixed.exitCode()).isEqualTo(2);
        assertThat(fixed.err()).contains("serve.producer.acks is fixed by the service");
    }
}
