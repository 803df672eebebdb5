package io.replayflow.actor.metrics;

import java.util.List;

/**
 * Prometheus's text exposition format (version 0.0.4): for each metric a {@code # HELP} line, a
 * {@code # TYPE} line and one sample line, {@code name value}.
 *
 * <pre>
 * # HELP actor_steps_total Environment steps taken (one transition each).
 * # TYPE actor_steps_total counter
 * actor_steps_total 1024
 * </pre>
 */
public final class PrometheusText {

    /** The Content-Type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {}

    /** The exposition of {@code metrics}, each value read once. */
    public static String format(List<Metric> metrics) {
        StringBuilder out = new StringBuilder(64 * metrics.size());
        for (Metric metric : metrics) {
            String name = metric.prometheusName();
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(metric.help()));
            out.append('\n');
            out.append("# TYPE ")
                    .append(name)
                    .append(' ')
                    .append(metric.type() == Metric.Type.COUNTER ? "counter" : "gauge")
                    .append('\n');
            out.append(name).append(' ').append(value(metric.value().getAsDouble())).append('\n');
        }
        return out.toString();
    }

    /** Integral values without a fraction, NaN and infinities as Prometheus spells them. */
    static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
