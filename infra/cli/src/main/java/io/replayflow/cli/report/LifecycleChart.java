package io.replayflow.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A policy's lifecycle over wall time: the champion version as a step line, each canary as a bar at
 * its version from the decision that made it to the one that ended it (green: promoted, red: rolled
 * back, orange: replaced by a newer candidate while undecided, grey: still a canary at the end),
 * and the newest version published, dashed, for comparison with what acted.
 */
public final class LifecycleChart {

    private static final Color CHAMPION = new Color(0x1F4E79);
    private static final Color PUBLISHED = new Color(0x9E9E9E);
    private static final Color PROMOTED = new Color(0x27AE60);
    private static final Color ROLLED_BACK = new Color(0xC0392B);
    private static final Color OPEN = new Color(0x7F8C8D);
    private static final Color SUPERSEDED = new Color(0xE67E22);

    /** How a canary's time ended. */
    public enum CanaryEnd {
        PROMOTED,
        ROLLED_BACK,
        /** Replaced by a newer candidate while undecided. */
        SUPERSEDED,
        OPEN
    }

    /**
     * One canary's time.
     *
     * @param from wall seconds of the decision that made it the canary
     * @param to wall seconds of the decision that ended it (the run's end if none)
     */
    public record Canary(long version, double share, double from, double to, CanaryEnd end) {}

    private LifecycleChart() {}

    /**
     * @param championWall wall seconds of each change of champion (the first: the takeover)
     * @param champion the champion from each of those times on
     * @param endWall wall seconds at the end of the run
     * @param sampleWall sample times of the run
     * @param published the newest version published at each sample
     */
    public static XYChart build(
            String title,
            double[] championWall,
            long[] champion,
            List<Canary> canaries,
            double endWall,
            double[] sampleWall,
            double[] published) {
        if (championWall.length != champion.length || sampleWall.length != published.length) {
            throw new IllegalArgumentException("times and versions differ in length");
        }
        XYChart chart = Charts.xy(title, "wall time (s)", "policy version");
        chart.getStyler().setYAxisDecimalPattern("0");
        if (sampleWall.length > 0) {
            XYSeries p = Charts.line(chart, "newest published", sampleWall, published, PUBLISHED);
            p.setLineStyle(Charts.DASHED);
        }
        if (champion.length > 0) {
            int n = champion.length;
            double[] x = new double[2 * n];
            double[] y = new double[2 * n];
            for (int i = 0; i < n; i++) {
                x[2 * i] = championWall[i];
                y[2 * i] = champion[i];
                x[2 * i + 1] = i + 1 < n ? championWall[i + 1] : Math.max(endWall, championWall[i]);
                y[2 * i + 1] = champion[i];
            }
            Charts.line(chart, "champion", x, y, CHAMPION).setLineWidth(3f);
        }
        for (Canary c : canaries) {
            Color color =
                    switch (c.end()) {
                        case PROMOTED -> PROMOTED;
                        case ROLLED_BACK -> ROLLED_BACK;
                        case SUPERSEDED -> SUPERSEDED;
                        case OPEN -> OPEN;
                    };
            XYSeries s =
                    chart.addSeries(
                            String.format(
                                    Locale.ROOT,
                                    "canary v%d at %.0f%%: %s",
                                    c.version(),
                                    100 * c.share(),
                                    c.end().name().toLowerCase(Locale.ROOT).replace('_', ' ')),
                            new double[] {c.from(), Math.max(c.to(), c.from())},
                            new double[] {c.version(), c.version()});
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(color);
            s.setLineColor(color);
            s.setLineStyle(new BasicStroke(6f));
        }
        if (champion.length == 0 && sampleWall.length == 0) {
            Charts.line(chart, "no version", new double[] {0}, new double[] {0}, PUBLISHED);
        }
        return chart;
    }
}
