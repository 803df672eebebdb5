package io.replayflow.cli.report;

import java.awt.Color;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.knowm.xchart.AnnotationTextPanel;
import org.knowm.xchart.XYChart;

/**
 * Dead letters over wall time, one cumulative line per reason code. A run without any (the usual
 * case) says so in large type over a zero line rather than showing an empty plot.
 */
public final class DeadLetterChart {

    private static final Color[] COLORS = {
        new Color(0xC0392B), new Color(0x8E44AD), new Color(0xD35400), new Color(0x2C3E50)
    };

    private DeadLetterChart() {}

    /**
     * @param wall sample times, seconds since the start
     * @param byReason reason code → dead letters so far at each sample
     * @param recordsIngested records the ingest job committed by the end (negative if unknown), for
     *     the "none" message
     */
    public static XYChart build(
            String title,
            double[] wall,
            SortedMap<String, double[]> byReason,
            long recordsIngested) {
        XYChart chart = Charts.xy(title, "wall time (s)", "dead letters so far");
        double[] x = wall.length == 0 ? new double[] {0} : wall;
        double total = 0;
        int c = 0;
        for (Map.Entry<String, double[]> e : byReason.entrySet()) {
            double[] y = e.getValue();
            if (y.length != wall.length || y.length == 0) {
                throw new IllegalArgumentException(
                        e.getKey() + " has " + y.length + " values for " + wall.length + " times");
            }
            double last = y[y.length - 1];
            total += last;
            Charts.line(
                    chart,
                    String.format(Locale.ROOT, "%s (%,.0f)", e.getKey(), last),
                    wall,
                    y,
                    COLORS[c++ % COLORS.length]);
        }
        if (total == 0) {
            if (c == 0) {
                Charts.line(
                        chart,
                        "dead letters, all reasons (0)",
                        x,
                        new double[x.length],
                        new Color(0x27AE60));
            }
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
            chart.getStyler().setYAxisDecimalPattern("0");
            chart.getStyler().setAnnotationTextPanelFontColor(new Color(0x1E8449));
            chart.getStyler().setLegendVisible(false); // the message says it all
            chart.addAnnotation(
                    new AnnotationTextPanel(
                            noneMessage(recordsIngested),
                            Charts.WIDTH * 0.2,
                            Charts.HEIGHT * 0.55,
                            true));
        }
        return chart;
    }

    static String noneMessage(long recordsIngested) {
        return recordsIngested >= 0
                ? String.format(
                        Locale.ROOT,
                        "No dead letters: all %,d records ingested passed validation.",
                        recordsIngested)
                : "No dead letters: every record ingested passed validation.";
    }
}
