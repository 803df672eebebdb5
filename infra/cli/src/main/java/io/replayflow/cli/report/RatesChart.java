package io.replayflow.cli.report;

import java.awt.Color;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.AnnotationTextPanel;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.YAxisPosition;

/**
 * Throughput over wall time: one line per rate (steps or records per second) on the left axis and,
 * optionally, the ingest lag (records not yet committed) dashed on a right axis.
 */
public final class RatesChart {

    private static final Color[] COLORS = {
        new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0x9467BD)
    };

    private RatesChart() {}

    /**
     * @param wall sample times, seconds since the start
     * @param rates name → per-second rate at each sample (NaN where unknown), in legend order
     * @param lag records waiting at each sample (negative where unknown); null for none
     */
    public static XYChart build(
            String title, double[] wall, LinkedHashMap<String, double[]> rates, double[] lag) {
        XYChart chart = Charts.xy(title, "wall time (s)", "per second");
        int plotted = 0;
        int c = 0;
        for (Map.Entry<String, double[]> e : rates.entrySet()) {
            Color color = COLORS[c++ % COLORS.length];
            plotted += plot(chart, e.getKey(), wall, e.getValue(), color, 0) ? 1 : 0;
        }
        if (lag != null) {
            double[] known = Arrays.stream(lag).map(v -> v < 0 ? Double.NaN : v).toArray();
            if (plot(chart, "ingest lag (records, right axis)", wall, known, Color.GRAY, 1)) {
                plotted++;
                chart.getStyler().setYAxisGroupPosition(1, YAxisPosition.Right);
                chart.setYAxisGroupTitle(1, "records waiting");
                chart.getStyler().setYAxisMin(1, 0.0);
            }
        }
        chart.getStyler().setYAxisMin(0, 0.0);
        if (plotted == 0) {
            Charts.line(chart, "no samples", new double[] {0}, new double[] {0}, Color.GRAY);
            chart.addAnnotation(
                    new AnnotationTextPanel(
                            "No rates were sampled.",
                            Charts.WIDTH / 3.0,
                            Charts.HEIGHT / 2.0,
                            true));
        }
        return chart;
    }

    /** Adds the finite points as a line on {@code axis}; false if there are none. */
    private static boolean plot(
            XYChart chart, String name, double[] x, double[] y, Color color, int axis) {
        int n = 0;
        double[] px = new double[x.length];
        double[] py = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i])) {
                px[n] = x[i];
                py[n++] = y[i];
            }
        }
        if (n == 0) {
            return false;
        }
        XYSeries series =
                Charts.line(chart, name, Arrays.copyOf(px, n), Arrays.copyOf(py, n), color);
        series.setYAxisGroup(axis);
        if (axis > 0) {
            series.setLineStyle(Charts.DASHED);
        }
        return true;
    }
}
