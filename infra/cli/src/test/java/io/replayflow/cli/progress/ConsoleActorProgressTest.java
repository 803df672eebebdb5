package io.replayflow.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.ActorStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConsoleActorProgressTest {

    private static ActorStatus status(long steps, long version, long swaps) {
        return new ActorStatus(
                steps, steps, 0, Double.NaN, version, swaps, 0, 0, Duration.ofSeconds(1), 0);
    }

    @Test
    void logFileGetsOneLinePerReportAndNotice() {
        StringWriter text = new StringWriter();
        ConsoleActorProgress console =
                new ConsoleActorProgress(new PrintWriter(text), false, "cartpole");
        console.progress(status(100, 0, 0), 100);
        console.swapped(1, Duration.ofMillis(7));
        console.finished(status(200, 1, 1));
        assertThat(text.toString().lines())
                .containsExactly(
                        "100 steps  100/s (now 100/s) | 0 episodes | return(100) - | policy v0 |"
                                + " swaps 0",
                        "policy 'cartpole' v1 swapped in (7 ms to verify, load and warm up)",
                        "200 steps  200/s (now 200/s) | 0 episodes | return(100) - | policy v1 |"
                                + " swaps 1");
    }

    @Test
    void terminalRewritesTheLineInPlaceAndNoticesKeepTheirs() {
        StringWriter text = new StringWriter();
        ConsoleActorProgress console =
                new ConsoleActorProgress(new PrintWriter(text), true, "cartpole");
        console.progress(status(1_500, 0, 0), 1_500);
        console.swapped(1, Duration.ofMillis(7));
        console.finished(status(2_000, 1, 1));
        String first =
                "1.5k steps  1.5k/s (now 1.5k/s) | 0 episodes | return(100) - | policy v0 | swaps"
                        + " 0";
        String notice = "policy 'cartpole' v1 swapped in (7 ms to verify, load and warm up)";
        String last =
                "2.0k steps  2.0k/s (now 2.0k/s) | 0 episodes | return(100) - | policy v1 | swaps"
                        + " 1";
        String nl = System.lineSeparator();
        // the notice is padded with spaces over the longer line it overwrites
        String blank = " ".repeat(first.length() - notice.length());
        assertThat(text.toString())
                .isEqualTo("\r" + first + "\r" + notice + blank + nl + "\r" + last + nl);
    }
}
