package io.replayflow.cli.loop;

import io.replayflow.cli.report.LineChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The demo's report: {@code report/index.html} (summary and plots as inline SVG, opens in any
 * browser) and {@code report/summary.json} (the same figures for scripts).
 */
public final class DemoReport {

    private DemoReport() {}

    /** Writes the report under {@code dir} and returns the HTML file. */
    public static Path write(Path dir, String env, DemoRun.Result r) throws IOException {
        Files.createDirectories(dir);
        Path html = dir.resolve("index.html");
        Files.writeString(html, html(env, r), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.json"), json(r) + "\n", StandardCharsets.UTF_8);
        return html;
    }

    /** The CLI's last line with {@code --json}. */
    public static String json(DemoRun.Result r) {
        return String.format(
                Locale.ROOT,
                "{\"eval_mean_return\": %s, \"env_steps\": %d, \"wall_s\": %.1f,"
                        + " \"policy_versions\": %d, \"outcome\": \"%s\", \"evaluations\": %d}",
                Double.isFinite(r.evalMeanReturn()) ? Double.toString(r.evalMeanReturn()) : "null",
                r.envSteps(),
                r.wallSeconds(),
                r.policyVersions(),
                r.outcome(),
                r.evaluations().size());
    }

    static String html(String env, DemoRun.Result r) {
        List<DemoRun.Sample> s = r.samples();
        List<DemoRun.Evaluation> e = r.evaluations();
        String returns =
                new LineChart(env + ": return", "environment steps", "return")
                        .series(
                                "greedy evaluation (mean over seeded episodes)",
                                e.stream().mapToDouble(x -> x.envStepsAtEvaluation()).toArray(),
                                e.stream().mapToDouble(x -> x.result().meanReturn()).toArray())
                        .series(
                                "behaviour policy (last 100 episodes)",
                                column(s, x -> x.envSteps()),
                                column(s, DemoRun.Sample::recentMeanReturn))
                        .referenceLine(
                                String.format(Locale.ROOT, "solved (%.0f)", r.solvedThreshold()),
                                r.solvedThreshold())
                        .toSvg(860, 380);
        String rates =
                new LineChart("Throughput", "wall time (s)", "steps per second")
                        .series(
                                "environment steps/s",
                                column(s, DemoRun.Sample::wallSeconds),
                                column(s, DemoRun.Sample::envStepsPerSecond))
                        .series(
                                "gradient steps/s",
                                column(s, DemoRun.Sample::wallSeconds),
                                column(s, DemoRun.Sample::trainerStepsPerSecond))
                        .toSvg(860, 300);
        String loss =
                new LineChart("Trainer loss", "gradient steps", "total loss")
                        .series(
                                "loss",
                                column(s, x -> x.trainerStep()),
                                column(s, DemoRun.Sample::loss))
                        .toSvg(860, 300);
        String versions =
                new LineChart(
                                "Policy versions and ingest lag",
                                "wall time (s)",
                                "version / records")
                        .series(
                                "published",
                                column(s, DemoRun.Sample::wallSeconds),
                                column(s, x -> x.publishedVersion()))
                        .series(
                                "acting",
                                column(s, DemoRun.Sample::wallSeconds),
                                column(s, x -> x.actingVersion()))
                        .toSvg(860, 300);
        String lag =
                new LineChart("Ingest lag", "wall time (s)", "records not yet checkpointed")
                        .series(
                                "lag",
                                column(s, DemoRun.Sample::wallSeconds),
                                column(s, x -> x.ingestLag() < 0 ? Double.NaN : x.ingestLag()))
                        .toSvg(860, 260);
        StringBuilder evalRows = new StringBuilder();
        for (DemoRun.Evaluation x : e) {
            evalRows.append(
                    String.format(
                            Locale.ROOT,
                            "<tr><td>v%d</td><td>%.0f</td><td>%,d</td><td>%.1f ±"
                                    + " %.1f</td><td>%d</td></tr>%n",
                            x.version(),
                            x.wallSeconds(),
                            x.envStepsAtEvaluation(),
                            x.result().meanReturn(),
                            x.result().stdReturn(),
                            x.result().episodes()));
        }
        return String.format(
                Locale.ROOT,
                """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>ReplayFlow demo: %1$s</title>
                <style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}
                table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}
                th{text-align:left}</style></head><body>
                <h1>ReplayFlow demo: %1$s</h1>
                <p><b>%2$s</b> &mdash; %3$s</p>
                <table>
                <tr><th>final greedy evaluation</th><td>%4$s</td></tr>
                <tr><th>environment steps</th><td>%5$,d</td></tr>
                <tr><th>wall time</th><td>%6$.1f s</td></tr>
                <tr><th>policy versions published</th><td>%7$d</td></tr>
                <tr><th>data root</th><td>%8$s</td></tr>
                </table>
                %9$s
                <h2>Evaluations</h2>
                <table><tr><th>version</th><th>wall s</th><th>env steps</th><th>mean return</th><th>episodes</th></tr>
                %10$s</table>
                %11$s
                %12$s
                %13$s
                %14$s
                </body></html>
                """,
                LineChart.escape(env),
                r.outcome(),
                LineChart.escape(r.message()),
                Double.isFinite(r.evalMeanReturn())
                        ? String.format(Locale.ROOT, "%.1f", r.evalMeanReturn())
                        : "none yet",
                r.envSteps(),
                r.wallSeconds(),
                r.policyVersions(),
                LineChart.escape(r.dataDir().toString()),
                returns,
                evalRows,
                rates,
                loss,
                versions,
                lag);
    }

    private static double[] column(
            List<DemoRun.Sample> samples, ToDoubleFunction<DemoRun.Sample> f) {
        return samples.stream().mapToDouble(f).toArray();
    }
}
