package io.replayflow.cli.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Return over environment steps: the behaviour policy's recent mean return as segments coloured by
 * the policy version that acted ({@link VersionPalette}), the greedy evaluations as mean ± std
 * error bars, and the solved threshold as a dashed line.
 */
public final class ReturnChart {

    /** Versions beyond this many get a colour scale in the legend instead of one entry each. */
    static final int MAX_LEGEND_VERSIONS = 10;

    /** The behaviour policy's recent mean return after {@code envSteps}, acting with version. */
    public record Point(double envSteps, double meanReturn, long version) {}

    /**
     * A greedy evaluation: mean ± std over seeded episodes; a confirmation re-evaluates a version
     * on a second, disjoint set of seeds.
     */
    public record Evaluation(
            double envSteps, double mean, double std, long version, boolean confirmation) {}

    private ReturnChart() {}

    public static XYChart build(
            String title, List<Point> behaviour, List<Evaluation> evaluations, double threshold) {
        XYChart chart = Charts.xy(title, "environment steps", "episode return");
        List<List<Point>> runs = runsByVersion(behaviour);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            List<Point> run = runs.get(i);
            long version = run.get(run.size() - 1).version();
            String name = String.format(Locale.ROOT, "acting v%d%s", version, untrained(version));
            while (!names.add(name)) {
                name = name + "'"; // a version that acted twice (series names must be unique)
            }
            XYSeries series =
                    Charts.line(
                            chart,
                            name,
                            run.stream().mapToDouble(Point::envSteps).toArray(),
                            run.stream().mapToDouble(Point::meanReturn).toArray(),
                            VersionPalette.color(i, runs.size()));
            series.setLineWidth(2.4f);
            series.setShowInLegend(inLegend(i, runs.size()));
        }
        evaluations(chart, "greedy eval (mean ± std)", evaluations, false, SeriesMarkers.DIAMOND);
        evaluations(chart, "confirmation (other seeds)", evaluations, true, SeriesMarkers.SQUARE);
        double maxSteps =
                Math.max(
                        1,
                        Math.max(
                                behaviour.stream().mapToDouble(Point::envSteps).max().orElse(0),
                                evaluations.stream()
                                        .mapToDouble(Evaluation::envSteps)
                                        .max()
                                        .orElse(0)));
        XYSeries solved =
                Charts.line(
                        chart,
                        String.format(Locale.ROOT, "solved (%.0f)", threshold),
                        new double[] {0, maxSteps},
                        new double[] {threshold, threshold},
                        new Color(0xC0392B));
        solved.setLineStyle(Charts.DASHED);
        if (runs.size() > MAX_LEGEND_VERSIONS) {
            chart.setTitle(
                    title
                            + String.format(
                                    Locale.ROOT,
                                    "  (colour: acting version v%d dark → v%d light)",
                                    runs.get(0).get(0).version(),
                                    runs.get(runs.size() - 1).get(0).version()));
        }
        return chart;
    }

    /**
     * Consecutive points of one version, finite values only; each run after the first starts at the
     * last point of the one before, so the segments join.
     */
    static List<List<Point>> runsByVersion(List<Point> points) {
        List<List<Point>> runs = new ArrayList<>();
        List<Point> current = null;
        for (Point p : points) {
            if (!Double.isFinite(p.meanReturn())) {
                continue;
            }
            if (current == null || current.get(current.size() - 1).version() != p.version()) {
                List<Point> next = new ArrayList<>();
                if (current != null) {
                    Point joint = current.get(current.size() - 1);
                    next.add(new Point(joint.envSteps(), joint.meanReturn(), p.version()));
                }
                runs.add(next);
                current = next;
            }
            current.add(p);
        }
        return runs;
    }

    /** All versions when few; else the first, the last and three between. */
    static boolean inLegend(int index, int count) {
        if (count <= MAX_LEGEND_VERSIONS) {
            return true;
        }
        for (int k = 0; k <= 4; k++) {
            if (index == Math.round(k * (count - 1) / 4.0)) {
                return true;
            }
        }
        return false;
    }

    private static void evaluations(
            XYChart chart,
            String name,
            List<Evaluation> all,
            boolean confirmations,
            Marker marker) {
        List<Evaluation> chosen =
                all.stream()
                        .filter(e -> e.confirmation() == confirmations && Double.isFinite(e.mean()))
                        .toList();
        if (chosen.isEmpty()) {
            return;
        }
        XYSeries series =
                chart.addSeries(
                        name,
                        chosen.stream().mapToDouble(Evaluation::envSteps).toArray(),
                        chosen.stream().mapToDouble(Evaluation::mean).toArray(),
                        chosen.stream()
                                .mapToDouble(e -> Double.isFinite(e.std()) ? e.std() : 0)
                                .toArray());
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarker(marker);
        series.setMarkerColor(confirmations ? new Color(0x7F8C8D) : new Color(0xD35400));
    }

    private static String untrained(long version) {
        return version == 0 ? " (untrained)" : "";
    }
}
