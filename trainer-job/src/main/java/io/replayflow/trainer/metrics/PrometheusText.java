package io.replayflow.trainer.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainer's gauges in the Prometheus text exposition format (version 0.0.4). {@code
 * trainer/loss_td} is exposed as {@code replayflow_trainer_loss_td}. Thread-safe: the training
 * thread sets, a scrape thread renders.
 */
public final class PrometheusText {

    /** The Content-Type of the exposition. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Map<String, Double> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> labels;

    /**
     * @param labels constant labels on every sample, e.g. {@code algo=cql, policy=cartpole}
     */
    public PrometheusText(Map<String, String> labels) {
        this.labels = new TreeMap<>(labels);
    }

    public void set(String metric, double value) {
        gauges.put(metric, value);
    }

    /**
     * The Prometheus name of a metric: {@code trainer/loss_td} → {@code
     * replayflow_trainer_loss_td}.
     */
    public static String name(String metric) {
        return "replayflow_" + metric.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The current exposition. */
    public String render() {
        StringBuilder out = new StringBuilder();
        String labelText = labelText();
        new TreeMap<>(gauges)
                .forEach(
                        (metric, value) -> {
                            String name = name(metric);
                            out.append("# TYPE ").append(name).append(" gauge\n");
                            out.append(name)
                                    .append(labelText)
                                    .append(' ')
                                    .append(format(value))
                                    .append('\n');
                        });
        return out.toString();
    }

    private String labelText() {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("{");
        labels.forEach(
                (k, v) -> {
                    if (out.length() > 1) {
                        out.append(',');
                    }
                    out.append(k.replaceAll("[^A-Za-z0-9_]", "_"))
                            .append("=\"")
                            .append(
                                    v.replace("\\", "\\\\")
                                            .replace("\"", "\\\"")
                                            .replace("\n", "\\n"))
                            .append('"');
                });
        return out.append('}').toString();
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
