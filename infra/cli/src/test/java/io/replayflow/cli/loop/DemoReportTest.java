package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.cli.lifecycle.LiveReturn;
import io.replayflow.cli.report.PngAssertions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/** The report from a made-up run: files, layout, the JSON line and the dead-letter chart. */
@Timeout(60)
class DemoReportTest {

    @TempDir Path data;

    @Test
    void writesAnOfflinePageWithItsChartsNextToIt() throws Exception {
        DemoSettings settings = DemoSettings.cartPole(data, Duration.ofMinutes(2));
        DemoRun.Result r = run(new TreeMap<>());

        Path html = DemoReport.write(settings, r);

        assertThat(html).isEqualTo(data.toAbsolutePath().resolve("report.html"));
        String page = Files.readString(html);
        for (String png : List.of("return.png", "rates.png", "dead-letters.png")) {
            assertThat(page).contains("<img src=\"report/" + png + "\"");
            PngAssertions.assertChart(data.resolve("report").resolve(png), 30);
        }
        assertThat(page)
                .doesNotContain("http-equiv")
                .doesNotContain("<script")
                .contains("<a href=\"http://127.0.0.1:9404/metrics\">")
                .contains("tensorboard --logdir " + data.toAbsolutePath().resolve("tensorboard"))
                .contains("<th>trainer.lr</th><td>0.001</td>")
                .contains("<td>v2</td><td>confirmation</td>")
                .contains("<th>dead letters</th><td>0</td>");
        assertThat(Files.readString(data.resolve("report/summary.json")).strip())
                .isEqualTo(DemoReport.json(r));
    }

    @Test
    void theJsonLineKeepsItsLeadingKeys() {
        String json = DemoReport.json(run(new TreeMap<>()));
        assertThat(json)
                .startsWith(
                        "{\"eval_mean_return\": 481.0, \"env_steps\": 59000, \"wall_s\": 59.0,"
                                + " \"policy_versions\": 2, ")
                .contains("\"dead_letters\": 0")
                .endsWith("report.html\"}");
    }

    @Test
    void theJsonLineCarriesTheBestEvaluationBesideTheLast() {
        DemoRun.Result solved = run(new TreeMap<>());
        DemoRun.Result stepBudget =
                new DemoRun.Result(
                        DemoRun.Outcome.STEP_BUDGET_REACHED,
                        "step budget of 59,000 env steps reached",
                        Double.NaN,
                        solved.samples(),
                        List.of(
                                evaluation(1, 22, 150, false),
                                evaluation(2, 40, 310, false),
                                evaluation(3, 55, 240, false)),
                        59_000,
                        59.0,
                        3,
                        solved.dataDir(),
                        solved.endpoints(),
                        solved.tensorboardDir());

        assertThat(DemoReport.json(stepBudget))
                .contains("\"eval_mean_return\": 240.0, ")
                .contains("\"policy_versions\": 3, \"best_eval_mean_return\": 310.0, ")
                .contains("\"outcome\": \"STEP_BUDGET_REACHED\"");
        assertThat(DemoReport.json(solved)).contains("\"best_eval_mean_return\": 481.0, ");
    }

    @Test
    void deadLettersAreChartedPerReason() {
        SortedMap<String, Long> late = new TreeMap<>();
        late.put("NON_FINITE_VALUE", 3L);
        late.put("UNKNOWN_FINGERPRINT", 1L);

        XYChart chart = DemoReport.deadLetterChart(run(late).samples());

        assertThat(chart.getSeriesMap())
                .containsOnlyKeys("NON_FINITE_VALUE (3)", "UNKNOWN_FINGERPRINT (1)");
        double[] counts = chart.getSeriesMap().get("NON_FINITE_VALUE (3)").getYData();
        assertThat(counts[0]).isZero(); // before the reason was first seen
        assertThat(counts[counts.length - 1]).isEqualTo(3);
    }

    @Test
    void noDeadLettersIsSaidNotLeftBlank() {
        XYChart chart = DemoReport.deadLetterChart(run(new TreeMap<>()).samples());
        assertThat(chart.getSeriesMap()).containsOnlyKeys("dead letters, all reasons (0)");
        assertThat(chart.getSeriesMap().get("dead letters, all reasons (0)").getYData())
                .containsOnly(0.0);
        assertThat(chart.getStyler().getYAxisMax())
                .as("a 0..1 axis, not a degenerate one")
                .isEqualTo(1.0);
    }

    @Test
    void anAutomaticRunShowsTheChampionCanaryTimelineAndOpeAgainstLiveReturn() throws Exception {
        DemoRun.Result plain = run(new TreeMap<>());
        DemoRun.Result r =
                new DemoRun.Result(
                        plain.outcome(),
                        plain.message(),
                        plain.solvedThreshold(),
                        plain.samples(),
                        plain.evaluations(),
                        plain.envSteps(),
                        plain.wallSeconds(),
                        plain.policyVersions(),
                        plain.dataDir(),
                        plain.endpoints(),
                        plain.tensorboardDir(),
                        null,
                        lifecycle());

        Path html = DemoReport.write(DemoSettings.cartPole(data, Duration.ofMinutes(2)), r);

        String page = Files.readString(html);
        assertThat(page)
                .contains("<img src=\"report/lifecycle.png\"")
                .contains(
                        "<td class=\"n\">31</td><td>rolled"
                            + " back</td><td>v3</td><td>v2</td><td>-</td><td>canary v3 rolled back,"
                            + " worse with confidence</td>")
                .contains(
                        "<td>v2</td><td>champion</td><td>140.2 [120.0, 160.5]</td>"
                                + "<td>150.0 [140.3, 159.7]</td><td class=\"n\">40</td>")
                .contains("<td>v3</td><td>retired</td><td>-</td><td>-</td><td class=\"n\">0</td>")
                .contains("<th>policy lifecycle</th><td>automatic");
        PngAssertions.assertChart(data.resolve("report/lifecycle.png"), 30);
        assertThat(DemoReport.json(r)).isEqualTo(DemoReport.json(plain));

        XYChart chart = DemoReport.lifecycleChart(r);
        assertThat(chart.getSeriesMap())
                .containsOnlyKeys(
                        "newest published",
                        "champion",
                        "canary v2 at 50%: promoted",
                        "canary v3 at 50%: rolled back");
        // champion v1 from its takeover at 12 s, v2 from its promotion at 25 s to the end (59 s)
        assertThat(chart.getSeriesMap().get("champion").getXData()).containsExactly(12, 25, 25, 59);
        assertThat(chart.getSeriesMap().get("champion").getYData()).containsExactly(1, 1, 2, 2);
        assertThat(chart.getSeriesMap().get("canary v3 at 50%: rolled back").getXData())
                .containsExactly(28, 31);
    }

    /** v1 takes over, v2 canaried and promoted, v3 canaried and rolled back. */
    private static DemoLifecycle.Summary lifecycle() {
        List<DemoLifecycle.Decision> decisions =
                List.of(
                        new DemoLifecycle.Decision(12, "took_over", 1, 1, 0, 0, "took over"),
                        new DemoLifecycle.Decision(18, "gate_passed", 2, 1, 2, 0.5, "v2 passed"),
                        new DemoLifecycle.Decision(25, "promoted", 2, 2, 0, 0, "v2 promoted"),
                        new DemoLifecycle.Decision(27, "gate_refused", 4, -1, 0, 0, "v4 refused"),
                        new DemoLifecycle.Decision(28, "gate_passed", 3, 2, 3, 0.5, "v3 passed"),
                        new DemoLifecycle.Decision(
                                31,
                                "rolled_back",
                                3,
                                2,
                                0,
                                0,
                                "canary v3 rolled back, worse with confidence"));
        List<DemoLifecycle.VersionFigures> versions =
                List.of(
                        new DemoLifecycle.VersionFigures(
                                1,
                                "retired",
                                new DemoLifecycle.Estimate("wpdis", 20, 15, 25),
                                new LiveReturn(100, 22, 9)),
                        new DemoLifecycle.VersionFigures(
                                2,
                                "champion",
                                new DemoLifecycle.Estimate("wpdis", 140.2, 120.0, 160.5),
                                // 150 ± 1.96 · 31.05/√39 = 150 ± 9.74
                                new LiveReturn(40, 150, 31.05)),
                        new DemoLifecycle.VersionFigures(3, "retired", null, null));
        return new DemoLifecycle.Summary(
                decisions, versions, DemoLifecycle.CONTROLLER_SETTINGS, "wpdis");
    }

    /** 60 one-second samples: v0 then v1 then v2 acting; dead letters {@code late} from t=40. */
    private DemoRun.Result run(SortedMap<String, Long> late) {
        List<DemoRun.Sample> samples = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            samples.add(
                    new DemoRun.Sample(
                            t,
                            t * 1000L,
                            1000,
                            t < 5 ? Double.NaN : 20 + 7 * t,
                            Math.max(0, t - 5) * 250L,
                            t < 5 ? 0 : 250,
                            0.5,
                            t / 25,
                            Math.min(2, (t + 5) / 25),
                            t < 3 ? -1 : 800,
                            t < 3 ? -1 : (t / 2) * 2000L,
                            t >= 40 ? late : new TreeMap<>()));
        }
        List<DemoRun.Evaluation> evaluations =
                List.of(
                        evaluation(1, 22, 150, false),
                        evaluation(2, 50, 478, false),
                        evaluation(2, 55, 481, true));
        return new DemoRun.Result(
                DemoRun.Outcome.SOLVED,
                "solved: v2 reached 478.0 and 481.0 on two seed sets (>= 475.0)",
                475,
                samples,
                evaluations,
                59_000,
                59.0,
                2,
                data.toAbsolutePath(),
                List.of(
                        new DemoRun.Endpoint(
                                "actors", URI.create("http://127.0.0.1:9404/metrics"))),
                data.toAbsolutePath().resolve("tensorboard"));
    }

    private static DemoRun.Evaluation evaluation(
            long version, double wall, double mean, boolean confirmation) {
        EvaluationResult result =
                new EvaluationResult(
                        "CartPole-v1",
                        version,
                        7,
                        List.of(mean - 10, mean + 10),
                        List.of((int) mean, (int) mean));
        return new DemoRun.Evaluation(version, wall, (long) wall * 1000, result, confirmation);
    }
}
