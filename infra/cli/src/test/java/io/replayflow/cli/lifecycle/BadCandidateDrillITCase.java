package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cluster.drill.DrillReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drill bad-candidate} at its CI size (the drill's defaults: one actor, 16 CartPoles at 2000
 * steps/s, a 20% canary): real broker, MiniCluster with the ingest job, real SavedModels, the
 * controller. Every check of the drill must pass: rolled back by the controller within 200 canary
 * episodes, v2's share of episodes the configured share within 3σ, nothing acted by v2 after the
 * rollback, every step logged once.
 */
@Timeout(420)
class BadCandidateDrillITCase {

    @TempDir Path dir;

    @Test
    void thePoorCanaryIsRolledBackByTheControllerAndEveryStepIsLoggedOnce() throws Exception {
        StringWriter text = new StringWriter();
        DrillReport report =
                BadCandidateDrill.defaults(dir)
                        .run(new DrillReport("bad-candidate", new PrintWriter(text)));
        report.verdict();
        assertThat(report.checks()).as(text.toString()).hasSizeGreaterThanOrEqualTo(7);
        assertThat(report.passed()).as(text.toString()).isTrue();
        assertThat(text.toString()).contains("by controller after").contains("VERDICT: PASS");
    }
}
