package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cli.report.PngAssertions;
import io.replayflow.trainer.ope.OpeResultFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo in automatic mode with real parts (embedded broker, the ingest and replay-store jobs on
 * a Flink MiniCluster, actors, the continuous trainer, TensorFlow): the lifecycle controller takes
 * the policy over, OPE estimates land beside the candidates, candidates go through the gate, the
 * actors act only with versions the controller assigned, and the report shows the lifecycle. Checks
 * the mechanics, not the learning benchmark.
 */
@Timeout(300)
class DemoLifecycleITCase {

    @TempDir Path data;

    @Test
    void theControllerDecidesWhatActsAndTheReportShowsIt() throws Exception {
        DemoSettings settings =
                DemoSettings.cartPole(data, Duration.ofSeconds(90)).withEvalEpisodes(10);
        StringWriter progress = new StringWriter();

        // A target above CartPole's largest return (500): the run lasts its whole budget, so the
        // gate has candidates to judge even when a quick version would have solved it first.
        DemoRun.Result result =
                new DemoRun(settings, 501.0, DemoLifecycle.Mode.AUTO)
                        .run(new PrintWriter(progress), false);

        assertThat(result.outcome())
                .as("progress:%n%s", progress)
                .isIn(DemoRun.Outcome.SOLVED, DemoRun.Outcome.BUDGET_EXHAUSTED);
        DemoLifecycle.Summary lifecycle = result.lifecycle();
        assertThat(lifecycle).isNotNull();
        List<DemoLifecycle.Decision> decisions = lifecycle.decisions();
        assertThat(decisions).as("progress:%n%s", progress).isNotEmpty();
        DemoLifecycle.Decision takeover = decisions.get(0);
        assertThat(takeover.kind()).isEqualTo("took_over");
        assertThat(takeover.champion()).isPositive();
        assertThat(decisions)
                .as("the gate judged a candidate; progress:%n%s", progress)
                .anyMatch(d -> d.kind().startsWith("gate_"));
        assertThat(decisions).allMatch(d -> !d.reason().isBlank());
        assertThat(progress.toString()).contains("lifecycle: controller took over: v");

        Set<Long> assigned = new HashSet<>();
        for (DemoLifecycle.Decision d : decisions) {
            if (d.champion() > 0) {
                assigned.add(d.champion());
            }
            if (d.canary() > 0) {
                assigned.add(d.canary());
            }
        }
        for (DemoRun.Sample s : result.samples()) {
            if (s.wallSeconds() > takeover.wallSeconds() + 3) {
                assertThat(s.actingVersion())
                        .as(
                                "acting at %.0f s: only assigned versions %s",
                                s.wallSeconds(), assigned)
                        .isIn(assigned);
            }
        }

        assertThat(lifecycle.versions())
                .extracting(DemoLifecycle.VersionFigures::version)
                .as("every published version is listed")
                .hasSize((int) result.policyVersions());
        assertThat(lifecycle.versions())
                .as("OPE estimates of the gated candidates")
                .anyMatch(v -> v.ope() != null && v.ope().low() <= v.ope().value());
        assertThat(lifecycle.versions())
                .filteredOn(v -> v.ope() != null)
                .allMatch(
                        v ->
                                Files.isRegularFile(
                                        data.resolve("policies/CartPole-v1")
                                                .resolve(Long.toString(v.version()))
                                                .resolve(OpeResultFile.NAME)),
                        "ope.json beside the artifact");
        assertThat(lifecycle.versions())
                .as("the champion's live return")
                .anyMatch(v -> v.stage().equals("champion") && v.live() != null);

        Path report = DemoReport.write(settings, result);
        assertThat(Files.readString(report))
                .contains("Policy lifecycle (automatic)")
                .contains("<img src=\"report/lifecycle.png\"")
                .contains("took over");
        PngAssertions.assertChart(data.resolve("report/lifecycle.png"), 30);
    }
}
