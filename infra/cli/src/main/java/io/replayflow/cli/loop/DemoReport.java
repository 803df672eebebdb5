package io.replayflow.cli.loop;

import io.replayflow.cli.report.Charts;
import io.replayflow.cli.report.DeadLetterChart;
import io.replayflow.cli.report.HtmlPage;
import io.replayflow.cli.report.LifecycleChart;
import io.replayflow.cli.report.Rates;
import io.replayflow.cli.report.RatesChart;
import io.replayflow.cli.report.ReturnChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;

/**
 * The demo's report, readable offline: {@code <data>/report.html} (summary, evaluations, settings,
 * endpoints) showing the PNG charts {@code report/return.png}, {@code report/rates.png} and {@code
 * report/dead-letters.png} by relative path, and {@code report/summary.json} (the {@link #json}
 * line, for scripts). A run in automatic lifecycle mode adds the policy lifecycle: {@code
 * report/lifecycle.png} (champion and canaries over time), the controller's decisions with their
 * reasons, and each version's OPE estimate against its live return.
 */
public final class DemoReport {

    /** The report page, relative to the data root. */
    public static final String HTML = "report.html";

    /** The charts and summary.json, relative to the data root. */
    public static final String DIR = "report";

    static final String RETURN_PNG = DIR + "/return.png";
    static final String RATES_PNG = DIR + "/rates.png";
    static final String DEAD_LETTERS_PNG = DIR + "/dead-letters.png";
    static final String LIFECYCLE_PNG = DIR + "/lifecycle.png";

    /** Trailing window of the plotted rates: counters that move on checkpoints need a few. */
    static final double RATE_WINDOW_S = 6;

    private DemoReport() {}

    /** Writes the report under the run's data root and returns the HTML file. */
    public static Path write(DemoSettings settings, DemoRun.Result r) throws IOException {
        Path root = r.dataDir();
        Files.createDirectories(root.resolve(DIR));
        Charts.writePng(returnChart(settings.env(), r), root.resolve(RETURN_PNG));
        Charts.writePng(ratesChart(r.samples()), root.resolve(RATES_PNG));
        Charts.writePng(deadLetterChart(r.samples()), root.resolve(DEAD_LETTERS_PNG));
        if (r.lifecycle() != null) {
            Charts.writePng(lifecycleChart(r), root.resolve(LIFECYCLE_PNG));
        }
        Files.writeString(
                root.resolve(DIR).resolve("summary.json"), json(r) + "\n", StandardCharsets.UTF_8);
        Path html = root.resolve(HTML);
        Files.writeString(html, html(settings, r), StandardCharsets.UTF_8);
        return html;
    }

    /**
     * The CLI's last line with {@code --json}: {@code eval_mean_return} (the last evaluation),
     * {@code env_steps}, {@code wall_s}, {@code policy_versions}, then {@code
     * best_eval_mean_return} (the best evaluation of the run), {@code outcome}, {@code
     * evaluations}, {@code dead_letters} and {@code report}.
     */
    public static String json(DemoRun.Result r) {
        return String.format(
                Locale.ROOT,
                "{\"eval_mean_return\": %s, \"env_steps\": %d, \"wall_s\": %.1f,"
                        + " \"policy_versions\": %d, \"best_eval_mean_return\": %s, \"outcome\":"
                        + " \"%s\", \"evaluations\": %d, \"dead_letters\": %d, \"report\": \"%s\"}",
                number(r.evalMeanReturn()),
                r.envSteps(),
                r.wallSeconds(),
                r.policyVersions(),
                number(r.bestEvalMeanReturn()),
                r.outcome(),
                r.evaluations().size(),
                last(r).map(DemoRun.Sample::deadLetterTotal).orElse(0L),
                r.dataDir().resolve(HTML).toString().replace("\\", "\\\\").replace("\"", "\\\""));
    }

    /** A JSON number, or null for NaN (no evaluation yet). */
    private static String number(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    static XYChart returnChart(String env, DemoRun.Result r) {
        List<ReturnChart.Point> behaviour =
                r.samples().stream()
                        .map(
                                s ->
                                        new ReturnChart.Point(
                                                s.envSteps(),
                                                s.recentMeanReturn(),
                                                s.actingVersion()))
                        .toList();
        List<ReturnChart.Evaluation> evaluations =
                r.evaluations().stream()
                        .map(
                                e ->
                                        new ReturnChart.Evaluation(
                                                e.envStepsAtEvaluation(),
                                                e.result().meanReturn(),
                                                e.result().stdReturn(),
                                                e.version(),
                                                e.confirmation()))
                        .toList();
        return ReturnChart.build(
                env + ": return (behaviour: mean of last 100 episodes)",
                behaviour,
                evaluations,
                r.solvedThreshold());
    }

    static XYChart ratesChart(List<DemoRun.Sample> s) {
        double[] wall = column(s, DemoRun.Sample::wallSeconds);
        LinkedHashMap<String, double[]> rates = new LinkedHashMap<>();
        rates.put(
                "env steps/s (actors)",
                Rates.trailing(wall, column(s, DemoRun.Sample::envSteps), RATE_WINDOW_S));
        rates.put(
                "records/s committed (ingest)",
                Rates.trailing(wall, column(s, DemoRun.Sample::ingestCommitted), RATE_WINDOW_S));
        rates.put(
                "gradient steps/s (trainer)",
                Rates.trailing(wall, column(s, DemoRun.Sample::trainerStep), RATE_WINDOW_S));
        return RatesChart.build(
                String.format(Locale.ROOT, "Throughput (%.0f s trailing mean)", RATE_WINDOW_S),
                wall,
                rates,
                column(s, DemoRun.Sample::ingestLag));
    }

    static XYChart deadLetterChart(List<DemoRun.Sample> s) {
        double[] wall = column(s, DemoRun.Sample::wallSeconds);
        TreeSet<String> reasons = new TreeSet<>();
        s.forEach(x -> reasons.addAll(x.deadLetters().keySet()));
        SortedMap<String, double[]> byReason = new TreeMap<>();
        for (String reason : reasons) {
            byReason.put(reason, column(s, x -> x.deadLetters().getOrDefault(reason, 0L)));
        }
        long ingested = s.isEmpty() ? -1 : s.get(s.size() - 1).ingestCommitted();
        return DeadLetterChart.build("Dead letters by reason", wall, byReason, ingested);
    }

    static String html(DemoSettings settings, DemoRun.Result r) {
        HtmlPage page = new HtmlPage("ReplayFlow demo: " + settings.env());
        page.paragraph("Outcome: " + r.outcome() + " (" + r.message() + ")");
        page.keyValues(summary(r));
        page.heading("Return").image(RETURN_PNG, "return over environment steps");
        page.paragraph(
                "Lines: the behaviour (epsilon-greedy) policy's mean return over its last 100"
                        + " episodes, coloured by the policy version acting at the time. Points:"
                        + " greedy evaluations of each published version, mean ± std over seeded"
                        + " episodes. Dashed: the solved threshold.");
        page.heading("Evaluations").table(evaluationHeaders(), evaluationRows(r));
        if (r.lifecycle() != null) {
            lifecycle(page, r.lifecycle());
        }
        page.heading("Throughput").image(RATES_PNG, "rates over wall time");
        page.heading("Dead letters").image(DEAD_LETTERS_PNG, "dead letters over wall time");
        page.heading("Metrics and logs");
        page.paragraph("Prometheus endpoints (live while the demo ran):");
        for (DemoRun.Endpoint e : r.endpoints()) {
            page.link(e.what(), e.url().toString());
        }
        page.paragraph("TensorBoard event files (losses, Q-values, TD error, learning rate):");
        page.pre("tensorboard --logdir " + r.tensorboardDir());
        page.heading("Settings").keyValues(settings(settings, r));
        return page.render();
    }

    private static void lifecycle(HtmlPage page, DemoLifecycle.Summary l) {
        page.heading("Policy lifecycle (automatic)").image(LIFECYCLE_PNG, "champion and canaries");
        page.paragraph(
                "Every published version is a candidate. The lifecycle controller (the same code"
                        + " as 'replayflow controller', in-process) makes one a canary when its "
                        + l.opeMethod()
                        + " OPE lower bound is no worse than the champion's estimate minus the"
                        + " margin, promotes it when its live mean return is at least the"
                        + " champion's with the stated confidence, and rolls it back when it is"
                        + " worse with confidence; a newer candidate that passes the gate replaces"
                        + " a canary still undecided after controller.canary.supersede-after"
                        + " episodes a side (when set). Thick line: the champion; bars: canaries"
                        + " (green promoted, red rolled back, orange replaced, grey open at the"
                        + " end); dashed: the"
                        + " newest version published. Settings: "
                        + new TreeMap<>(l.controller())
                        + ".");
        page.heading("Lifecycle decisions").table(decisionHeaders(), decisionRows(l));
        page.heading("OPE estimate against live return")
                .table(versionHeaders(l.opeMethod()), versionRows(l));
        page.paragraph(
                "OPE: the version's last estimate on the episodes logged shortly before (an"
                        + " epsilon-soft target, 95% bootstrap interval). Live: the mean return of"
                        + " the episodes it acted (epsilon-greedy, as logged), pooled over the"
                        + " ingest job's episode-statistics windows, 95% normal interval.");
    }

    private static List<String> decisionHeaders() {
        return List.of("wall s", "decision", "version", "champion", "canary", "reason");
    }

    private static List<List<String>> decisionRows(DemoLifecycle.Summary l) {
        List<List<String>> rows = new ArrayList<>();
        for (DemoLifecycle.Decision d : l.decisions()) {
            rows.add(
                    List.of(
                            String.format(Locale.ROOT, "%.0f", d.wallSeconds()),
                            d.kind().replace('_', ' '),
                            "v" + d.version(),
                            d.champion() < 0 ? "-" : "v" + d.champion(),
                            d.canary() == 0
                                    ? "-"
                                    : String.format(
                                            Locale.ROOT,
                                            "v%d at %.0f%%",
                                            d.canary(),
                                            100 * d.share()),
                            d.reason()));
        }
        return rows;
    }

    private static List<String> versionHeaders(String method) {
        return List.of(
                "version",
                "stage",
                method + " estimate [95%]",
                "live mean return [95%]",
                "live episodes");
    }

    private static List<List<String>> versionRows(DemoLifecycle.Summary l) {
        List<List<String>> rows = new ArrayList<>();
        for (DemoLifecycle.VersionFigures v : l.versions()) {
            rows.add(
                    List.of(
                            "v" + v.version(),
                            v.stage(),
                            v.ope() == null
                                    ? "-"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.1f [%.1f, %.1f]",
                                            v.ope().value(),
                                            v.ope().low(),
                                            v.ope().high()),
                            v.live() == null
                                    ? "-"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.1f [%.1f, %.1f]",
                                            v.live().mean(),
                                            v.live().low(),
                                            v.live().high()),
                            v.live() == null ? "0" : Long.toString(v.live().episodes())));
        }
        return rows;
    }

    /** Champion steps and canary bars from the decisions, over the run's wall time. */
    static XYChart lifecycleChart(DemoRun.Result r) {
        DemoLifecycle.Summary l = r.lifecycle();
        List<Double> championWall = new ArrayList<>();
        List<Long> champions = new ArrayList<>();
        List<LifecycleChart.Canary> canaries = new ArrayList<>();
        long champion = -1;
        DemoLifecycle.Decision open = null;
        for (DemoLifecycle.Decision d : l.decisions()) {
            if (d.champion() < 0) {
                continue; // a refusal writes no assignment
            }
            if (open != null && d.canary() != open.canary()) {
                LifecycleChart.CanaryEnd end =
                        switch (d.kind()) {
                            case "promoted" -> LifecycleChart.CanaryEnd.PROMOTED;
                            case "rolled_back" -> LifecycleChart.CanaryEnd.ROLLED_BACK;
                            case "superseded" -> LifecycleChart.CanaryEnd.SUPERSEDED;
                            default -> LifecycleChart.CanaryEnd.OPEN;
                        };
                canaries.add(canary(open, d.wallSeconds(), end));
                open = null;
            }
            if (d.canary() != 0 && open == null) {
                open = d;
            }
            if (d.champion() != champion) {
                champion = d.champion();
                championWall.add(d.wallSeconds());
                champions.add(champion);
            }
        }
        if (open != null) {
            canaries.add(canary(open, r.wallSeconds(), LifecycleChart.CanaryEnd.OPEN));
        }
        return LifecycleChart.build(
                "Policy lifecycle: champion and canaries",
                championWall.stream().mapToDouble(Double::doubleValue).toArray(),
                champions.stream().mapToLong(Long::longValue).toArray(),
                canaries,
                r.wallSeconds(),
                column(r.samples(), DemoRun.Sample::wallSeconds),
                column(r.samples(), DemoRun.Sample::publishedVersion));
    }

    private static LifecycleChart.Canary canary(
            DemoLifecycle.Decision from, double to, LifecycleChart.CanaryEnd end) {
        return new LifecycleChart.Canary(from.canary(), from.share(), from.wallSeconds(), to, end);
    }

    private static Map<String, String> summary(DemoRun.Result r) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("final greedy evaluation", number(r.evalMeanReturn(), "none yet"));
        rows.put(
                "best greedy evaluation",
                number(
                        r.evaluations().stream()
                                .mapToDouble(e -> e.result().meanReturn())
                                .max()
                                .orElse(Double.NaN),
                        "none yet"));
        rows.put("solved threshold", number(r.solvedThreshold(), "-"));
        rows.put("environment steps", String.format(Locale.ROOT, "%,d", r.envSteps()));
        rows.put("wall time", String.format(Locale.ROOT, "%.1f s", r.wallSeconds()));
        rows.put("policy versions published", Long.toString(r.policyVersions()));
        rows.put("evaluations", Integer.toString(r.evaluations().size()));
        last(r).ifPresent(
                        s -> {
                            rows.put(
                                    "gradient steps",
                                    String.format(Locale.ROOT, "%,d", s.trainerStep()));
                            rows.put(
                                    "records committed by ingest",
                                    s.ingestCommitted() < 0
                                            ? "unknown"
                                            : String.format(
                                                    Locale.ROOT, "%,d", s.ingestCommitted()));
                            rows.put("dead letters", Long.toString(s.deadLetterTotal()));
                        });
        if (r.policyLag() != null) {
            DemoRun.PolicyLag lag = r.policyLag();
            rows.put(
                    "policy lag (versions)",
                    String.format(
                            Locale.ROOT,
                            "%.1f mean, %.0f max",
                            lag.meanVersions(),
                            lag.maxVersions()));
            rows.put(
                    "policy lag (acting to learning)",
                    String.format(Locale.ROOT, "%.1f s mean", lag.meanSeconds()));
            rows.put(
                    "importance ratio pi/mu",
                    String.format(
                            Locale.ROOT, "%.2f mean, %.2f max", lag.meanRatio(), lag.maxRatio()));
        }
        rows.put("data root", r.dataDir().toString());
        return rows;
    }

    private static List<String> evaluationHeaders() {
        return List.of("version", "seeds", "wall s", "env steps", "mean return ± std", "episodes");
    }

    private static List<List<String>> evaluationRows(DemoRun.Result r) {
        List<List<String>> rows = new ArrayList<>();
        for (DemoRun.Evaluation e : r.evaluations()) {
            rows.add(
                    List.of(
                            "v" + e.version(),
                            e.confirmation() ? "confirmation" : "evaluation",
                            String.format(Locale.ROOT, "%.0f", e.wallSeconds()),
                            String.format(Locale.ROOT, "%,d", e.envStepsAtEvaluation()),
                            String.format(
                                    Locale.ROOT,
                                    "%.1f ± %.1f",
                                    e.result().meanReturn(),
                                    e.result().stdReturn()),
                            Integer.toString(e.result().episodes())));
        }
        return rows;
    }

    private static Map<String, String> settings(DemoSettings s, DemoRun.Result r) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("environment", s.env());
        rows.put("budget", DemoRun.format(s.budget()));
        rows.put("stop at greedy mean return", number(r.solvedThreshold(), "-"));
        rows.put("envs per actor", Integer.toString(s.envsPerActor()));
        rows.put("actor throttle (steps/s)", number(s.actorStepsPerSecond(), "none"));
        rows.put("epsilon (start:end:steps)", s.epsilon());
        if (s.epsilonSpread() > 0) {
            rows.put(
                    "epsilon spread (environment i of N at epsilon^(1 + spread i/(N-1)))",
                    String.valueOf(s.epsilonSpread()));
        }
        rows.put("evaluation episodes / seed", s.evalEpisodes() + " / " + s.evalSeed());
        rows.put("Flink checkpoint interval", DemoRun.format(s.checkpointInterval()));
        rows.put("samples per insert", number(s.samplesPerInsert(), "-"));
        rows.put("transitions before learning", Long.toString(s.minSize()));
        rows.put(
                "actors wait for the trainer",
                s.actorLead() == 0 ? "no" : "beyond " + s.actorLead() + " steps ahead");
        rows.put("gradient steps per version", Long.toString(s.publishEvery()));
        rows.put(
                "policy lifecycle",
                r.lifecycle() == null
                        ? "off: the newest version acts"
                        : "automatic: the lifecycle controller decides what acts");
        new TreeMap<>(s.trainer()).forEach(rows::put);
        return rows;
    }

    private static Optional<DemoRun.Sample> last(DemoRun.Result r) {
        List<DemoRun.Sample> s = r.samples();
        return s.isEmpty() ? Optional.empty() : Optional.of(s.get(s.size() - 1));
    }

    private static String number(double v, String otherwise) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : otherwise;
    }

    private static double[] column(
            List<DemoRun.Sample> samples, ToDoubleFunction<DemoRun.Sample> f) {
        return samples.stream().mapToDouble(f).toArray();
    }
}
