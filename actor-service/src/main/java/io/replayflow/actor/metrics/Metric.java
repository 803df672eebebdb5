package io.replayflow.actor.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * One named value an actor process exposes.
 *
 * @param name the namespaced name, e.g. {@code actor/steps}
 * @param type counter (only goes up) or gauge
 * @param help one line saying what it means
 * @param value read when the metric is scraped
 */
public record Metric(String name, Type type, String help, DoubleSupplier value) {

    /** Prometheus's two basic types. */
    public enum Type {
        COUNTER,
        GAUGE
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(/[a-z0-9_]+)*");

    public Metric {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "metric name must look like 'actor/steps' (lower case, digits, '_', '/'); got "
                            + name);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(value, "value");
    }

    /**
     * The name in Prometheus, {@code replayflow_<component>_<name>_<unit>}: a {@code replayflow_}
     * prefix, {@code /} becomes {@code _}, and counters end in {@code _total} ({@code actor/steps}
     * → {@code replayflow_actor_steps_total}).
     */
    public String prometheusName() {
        String base = prometheusBaseName();
        return type == Type.COUNTER ? base + "_total" : base;
    }

    /**
     * Registers this metric, unlabelled, with {@code registry}; its value is read at scrape time.
     * Metrics with labels (a series per reason) are registered by their owner.
     */
    void register(PrometheusRegistry registry) {
        if (type == Type.COUNTER) {
            CounterWithCallback.builder()
                    .name(prometheusBaseName())
                    .help(help)
                    .callback(callback -> callback.call(value.getAsDouble()))
                    .register(registry);
        } else {
            GaugeWithCallback.builder()
                    .name(prometheusBaseName())
                    .help(help)
                    .callback(callback -> callback.call(value.getAsDouble()))
                    .register(registry);
        }
    }

    /**
     * The name without the counter suffix, as the Prometheus client's builders take it (they add
     * {@code _total} to counters themselves).
     */
    String prometheusBaseName() {
        return "replayflow_" + name.replace('/', '_');
    }
}
