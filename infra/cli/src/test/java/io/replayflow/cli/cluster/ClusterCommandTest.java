package io.replayflow.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cli.ReplayFlow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster and drill verbs refuse bad input in one line with exit 2, before starting anything.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterCommandTest {

    @TempDir Path dir;

    private record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReplayFlow.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void tooFewBrokersIsAUsageErrorNamingTheRule() {
        Result r = run("cluster", "up", "--dir", dir.toString(), "--brokers", "2");

        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("brokers must be at least 3").contains("--brokers 3 or more");
    }

    @Test
    void statusWhereNoClusterWasStartedSaysHowToStartOne() {
        Result r = run("cluster", "status", "--dir", dir.resolve("none").toString());

        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err()).contains("no cluster in").contains("replayflow cluster up --dir");
    }

    @Test
    void anUnknownDrillListsTheKnownOnes() {
        Result r = run("drill", "meteor-strike", "--dir", dir.toString());

        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err())
                .contains("unknown drill 'meteor-strike'")
                .contains(
                        "taskmanager-kill, broker-kill, trainer-kill, bad-artifact, bad-candidate"
                                + " or soak");
    }

    @Test
    void aMalformedDurationNamesTheFlag() {
        Result r = run("drill", "soak", "--dir", dir.toString(), "--duration", "forever");

        assertThat(r.exitCode()).isEqualTo(ReplayFlow.EXIT_USAGE);
        assertThat(r.err()).contains("--duration 'forever' is not a duration");
    }
}
