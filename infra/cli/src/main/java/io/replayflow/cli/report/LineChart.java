package io.replayflow.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A line chart rendered as standalone SVG: axes with "nice" ticks, one polyline per series, a
 * legend, and optional horizontal reference lines (e.g. the solved threshold). No dependencies, so
 * a report opens in any browser.
 *
 * <pre>{@code
 * String svg = new LineChart("Evaluation return", "env steps", "mean return")
 *         .series("greedy eval", xs, ys)
 *         .referenceLine("solved (475)", 475)
 *         .toSvg(720, 360);
 * }</pre>
 *
 * <p>Not thread-safe; build, render, discard.
 */
public final class LineChart {

    private static final String[] PALETTE = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"
    };
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 36;
    private static final int BOTTOM = 48;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    private record Series(String name, double[] x, double[] y) {}

    private record Reference(String name, double y) {}

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
        this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
    }

    /**
     * Adds a series; {@code x} and {@code y} must have the same length. Non-finite points are
     * skipped.
     */
    public LineChart series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(
                    "series '"
                            + name
                            + "' has "
                            + x.length
                            + " x values but "
                            + y.length
                            + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** Adds a dashed horizontal line at {@code y}. */
    public LineChart referenceLine(String name, double y) {
        references.add(new Reference(name, y));
        return this;
    }

    /** The chart as an {@code <svg>} element of the given size in pixels. */
    public String toSvg(int width, int height) {
        double[] xr = range(true);
        double[] yr = range(false);
        double[] xTicks = niceTicks(xr[0], xr[1], 6);
        double[] yTicks = niceTicks(yr[0], yr[1], 5);
        double x0 = Math.min(xr[0], xTicks[0]);
        double x1 = Math.max(xr[1], xTicks[xTicks.length - 1]);
        double y0 = Math.min(yr[0], yTicks[0]);
        double y1 = Math.max(yr[1], yTicks[yTicks.length - 1]);
        Plot plot = new Plot(width, height, x0, x1, y0, y1);

        StringBuilder svg = new StringBuilder();
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\""
                                + " font-size=\"12\">%n",
                        width,
                        height,
                        width,
                        height));
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                        width,
                        height));
        text(svg, width / 2.0, 20, "middle", "bold", title);
        double yScale = unitScale(yTicks);
        double xScale = unitScale(xTicks);
        for (double t : yTicks) {
            double py = plot.py(t);
            svg.append(line(LEFT, py, width - RIGHT, py, "#e5e5e5", false));
            text(svg, LEFT - 6, py + 4, "end", "normal", format(t, yScale));
        }
        for (double t : xTicks) {
            double px = plot.px(t);
            svg.append(line(px, TOP, px, height - BOTTOM, "#f0f0f0", false));
            text(svg, px, height - BOTTOM + 16, "middle", "normal", format(t, xScale));
        }
        svg.append(line(LEFT, height - BOTTOM, width - RIGHT, height - BOTTOM, "#333", false));
        svg.append(line(LEFT, TOP, LEFT, height - BOTTOM, "#333", false));
        text(svg, (LEFT + width - RIGHT) / 2.0, height - 10, "middle", "normal", xLabel);
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90"
                                + " 14 %.1f)\">%s</text>%n",
                        (TOP + height - BOTTOM) / 2.0,
                        (TOP + height - BOTTOM) / 2.0,
                        escape(yLabel)));
        for (Reference r : references) {
            double py = plot.py(r.y());
            svg.append(line(LEFT, py, width - RIGHT, py, "#555", true));
            text(svg, width - RIGHT - 4, py - 4, "end", "normal", r.name());
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = PALETTE[i % PALETTE.length];
            StringBuilder points = new StringBuilder();
            for (int k = 0; k < s.x().length; k++) {
                if (Double.isFinite(s.x()[k]) && Double.isFinite(s.y()[k])) {
                    points.append(
                            String.format(
                                    Locale.ROOT,
                                    "%.1f,%.1f ",
                                    plot.px(s.x()[k]),
                                    plot.py(s.y()[k])));
                }
            }
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
                                    + " points=\"%s\"/>%n",
                            color,
                            points.toString().strip()));
            double ly = TOP + 14 + 16 * i;
            svg.append(
                    line(LEFT + 10, ly - 4, LEFT + 30, ly - 4, color, false)
                            .replace("stroke-width=\"1\"", "stroke-width=\"2\""));
            text(svg, LEFT + 34, ly, "start", "normal", s.name());
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private double[] range(boolean xAxis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : xAxis ? s.x() : s.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!xAxis) {
            for (Reference r : references) {
                lo = Math.min(lo, r.y());
                hi = Math.max(hi, r.y());
            }
        }
        if (lo == Double.POSITIVE_INFINITY) {
            return new double[] {0, 1};
        }
        if (lo == hi) {
            return new double[] {lo - 1, hi + 1};
        }
        return new double[] {lo, hi};
    }

    /** Ticks at 1, 2 or 5 times a power of ten covering [lo, hi]. */
    static double[] niceTicks(double lo, double hi, int target) {
        double rawStep = (hi - lo) / Math.max(1, target);
        double magnitude = Math.pow(10, Math.floor(Math.log10(rawStep)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= rawStep) {
                step = m * magnitude;
                break;
            }
        }
        double first = Math.floor(lo / step) * step;
        double last = Math.ceil(hi / step) * step;
        int n = (int) Math.round((last - first) / step) + 1;
        double[] ticks = new double[n];
        for (int i = 0; i < n; i++) {
            ticks[i] = first + i * step;
        }
        return ticks;
    }

    /** One unit for a whole axis: 1, 1e3 (k) or 1e6 (M), from its largest tick. */
    private static double unitScale(double[] ticks) {
        double max = 0;
        for (double t : ticks) {
            max = Math.max(max, Math.abs(t));
        }
        return max >= 1e6 ? 1e6 : max >= 1e4 ? 1e3 : 1;
    }

    private static String format(double v, double scale) {
        String suffix = scale == 1e6 ? "M" : scale == 1e3 ? "k" : "";
        double x = v / scale;
        String number =
                x == Math.rint(x)
                        ? String.format(Locale.ROOT, "%.0f", x)
                        : String.format(Locale.ROOT, "%.3g", x);
        return v == 0 ? "0" : number + suffix;
    }

    private static String line(
            double x1, double y1, double x2, double y2, String color, boolean dashed) {
        return String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                        + " stroke-width=\"1\"%s/>%n",
                x1,
                y1,
                x2,
                y2,
                color,
                dashed ? " stroke-dasharray=\"6 4\"" : "");
    }

    private static void text(
            StringBuilder svg, double x, double y, String anchor, String weight, String s) {
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\""
                                + " font-weight=\"%s\">%s</text>%n",
                        x,
                        y,
                        anchor,
                        weight,
                        escape(s)));
    }

    /** Escapes text for XML and HTML. */
    public static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private record Plot(int width, int height, double x0, double x1, double y0, double y1) {
        double px(double x) {
            return LEFT + (x - x0) / (x1 - x0) * (width - LEFT - RIGHT);
        }

        double py(double y) {
            return height - BOTTOM - (y - y0) / (y1 - y0) * (height - TOP - BOTTOM);
        }
    }
}
