package io.replayflow.trainer.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainer's Prometheus metrics, named {@code replayflow_trainer_<name>_<unit>} and registered
 * with the Prometheus client. The training thread sets values ({@link #set}); a scrape reads the
 * latest. A metric not yet set has no sample. Thread-safe.
 *
 * <p>Rates are not exported: {@code trainer/steps_per_s} and {@code trainer/samples_per_s} stay in
 * TensorBoard, and Prometheus gets the counters {@code replayflow_trainer_steps_total} and {@code
 * replayflow_trainer_samples_total} to {@code rate()}.
 *
 * <pre>{@code
 * TrainerPrometheus metrics = new TrainerPrometheus(Map.of("policy", "cartpole"));
 * PrometheusRegistry registry = new PrometheusRegistry();
 * metrics.register(registry);
 * metrics.set(TrainerMetrics.LOSS_TD, 0.25);
 * }</pre>
 */
public final class TrainerPrometheus {

    /** Prometheus's two basic types. */
    public enum Type {
        COUNTER,
        GAUGE
    }

    /**
     * One exported metric.
     *
     * @param metric the trainer's name ({@link TrainerMetrics}), also the TensorBoard tag
     * @param prometheusName the exposed name; counters end in {@code _total}
     * @param type counter (only goes up, across restarts too) or gauge
     * @param help one line saying what it means, served as HELP
     */
    public record Definition(String metric, String prometheusName, Type type, String help) {}

    private static final List<Definition> DEFINITIONS =
            List.of(
                    gauge(
                            TrainerMetrics.LOSS_TOTAL,
                            "replayflow_trainer_loss",
                            "What the optimizer minimises: TD loss plus the conservative term."),
                    gauge(
                            TrainerMetrics.LOSS_TD,
                            "replayflow_trainer_loss_td",
                            "Importance-weighted mean TD loss (Huber or squared error)."),
                    gauge(
                            TrainerMetrics.LOSS_CONSERVATIVE,
                            "replayflow_trainer_loss_conservative",
                            "CQL's alpha * (logsumexp_a Q(s,a) - Q(s,a_data)); 0 for DQN and"
                                    + " Double DQN."),
                    gauge(
                            TrainerMetrics.Q_MEAN,
                            "replayflow_trainer_q_mean",
                            "Mean Q(s, a) over the batch's logged actions."),
                    gauge(
                            TrainerMetrics.TD_ERROR_ABS,
                            "replayflow_trainer_td_error_abs",
                            "Mean |y - Q(s, a)| over the batch (when TD errors are fetched)."),
                    gauge(
                            TrainerMetrics.GRAD_NORM,
                            "replayflow_trainer_grad_norm",
                            "Global gradient norm before clipping."),
                    gauge(
                            TrainerMetrics.LEARNING_RATE,
                            "replayflow_trainer_learning_rate",
                            "Adam learning rate."),
                    gauge(
                            TrainerMetrics.POLICY_VERSION,
                            "replayflow_trainer_policy_version",
                            "The last exported policy version."),
                    gauge(
                            TrainerMetrics.LOSS_POLICY,
                            "replayflow_trainer_loss_policy",
                            "Policy-gradient algorithms: -mean A log pi(a|s) over the segment"
                                    + " batch."),
                    gauge(
                            TrainerMetrics.LOSS_VALUE,
                            "replayflow_trainer_loss_value",
                            "Policy-gradient algorithms: mean 0.5 (v - V(s))^2 (v: n-step,"
                                    + " V-trace or Monte-Carlo target)."),
                    gauge(
                            TrainerMetrics.POLICY_ENTROPY,
                            "replayflow_trainer_policy_entropy",
                            "Policy-gradient algorithms: mean entropy of pi(.|s) in nats over the"
                                    + " batch."),
                    gauge(
                            TrainerMetrics.POLICY_LAG_VERSIONS,
                            "replayflow_trainer_policy_lag_versions",
                            "Policy-gradient algorithms: mean policy lag in versions (newest"
                                    + " published version minus the version that acted)."),
                    gauge(
                            TrainerMetrics.POLICY_LAG_VERSIONS_MAX,
                            "replayflow_trainer_policy_lag_versions_max",
                            "Policy-gradient algorithms: largest policy lag in versions in the"
                                    + " batch."),
                    gauge(
                            TrainerMetrics.POLICY_LAG_SECONDS,
                            "replayflow_trainer_policy_lag_seconds",
                            "Policy-gradient algorithms: mean seconds between acting and the"
                                    + " learning step."),
                    gauge(
                            TrainerMetrics.IMPORTANCE_RATIO_MEAN,
                            "replayflow_trainer_importance_ratio_mean",
                            "Policy-gradient algorithms: mean importance ratio pi(a|s)/mu(a|s)"
                                    + " before truncation."),
                    gauge(
                            TrainerMetrics.IMPORTANCE_RATIO_MAX,
                            "replayflow_trainer_importance_ratio_max",
                            "Policy-gradient algorithms: largest importance ratio pi(a|s)/mu(a|s)"
                                    + " in the batch."),
                    new Definition(
                            TrainerMetrics.BURN_IN_ZERO_STATE,
                            "replayflow_trainer_burn_in_zero_state_segments_total",
                            Type.COUNTER,
                            "LSTM actor-critics: segments that started mid-episode from the zero"
                                    + " state, no burn-in prefix of their episode known."),
                    new Definition(
                            TrainerMetrics.GLOBAL_STEP,
                            "replayflow_trainer_steps_total",
                            Type.COUNTER,
                            "Gradient steps taken, across restarts (rate() it for steps/s)."),
                    new Definition(
                            TrainerMetrics.SAMPLES,
                            "replayflow_trainer_samples_total",
                            Type.COUNTER,
                            "Transitions consumed by gradient steps, across restarts (rate() it"
                                    + " for samples/s)."));

    private final Labels labels;
    private final Map<String, Double> values = new ConcurrentHashMap<>();

    /**
     * @param labels constant labels on every sample, e.g. {@code algo=cql, policy=cartpole}
     */
    public TrainerPrometheus(Map<String, String> labels) {
        Map<String, String> sorted = new TreeMap<>(Objects.requireNonNull(labels, "labels"));
        this.labels = Labels.of(List.copyOf(sorted.keySet()), List.copyOf(sorted.values()));
    }

    /** Every exported metric, in a stable order. */
    public static List<Definition> definitions() {
        return DEFINITIONS;
    }

    /**
     * The Prometheus name of a trainer metric: {@code trainer/loss_td} → {@code
     * replayflow_trainer_loss_td}.
     *
     * @throws IllegalArgumentException if the metric is not exported to Prometheus
     */
    public static String name(String metric) {
        return definition(metric).prometheusName();
    }

    /**
     * Sets the latest value of {@code metric} (a {@link TrainerMetrics} name); a counter's value is
     * its running total.
     *
     * @throws IllegalArgumentException naming the fix when {@code metric} is not exported, e.g. a
     *     rate
     */
    public void set(String metric, double value) {
        values.put(definition(metric).metric(), value);
    }

    /**
     * Registers every metric with {@code registry}.
     *
     * @throws IllegalArgumentException (from the client) if {@code registry} already holds one of
     *     these names
     */
    public void register(PrometheusRegistry registry) {
        for (Definition d : DEFINITIONS) {
            String base = d.prometheusName().replaceFirst("_total$", "");
            if (d.type() == Type.COUNTER) {
                CounterWithCallback.builder()
                        .name(base)
                        .help(d.help())
                        .constLabels(labels)
                        .callback(
                                callback -> {
                                    Double v = values.get(d.metric());
                                    if (v != null) {
                                        callback.call(v);
                                    }
                                })
                        .register(registry);
            } else {
                GaugeWithCallback.builder()
                        .name(base)
                        .help(d.help())
                        .constLabels(labels)
                        .callback(
                                callback -> {
                                    Double v = values.get(d.metric());
                                    if (v != null) {
                                        callback.call(v);
                                    }
                                })
                        .register(registry);
            }
        }
    }

    private static Definition definition(String metric) {
        for (Definition d : DEFINITIONS) {
            if (d.metric().equals(metric)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                metric
                        + " is not exported to Prometheus (rates such as trainer/steps_per_s are"
                        + " not: rate() the counter replayflow_trainer_steps_total instead); use"
                        + " one of "
                        + DEFINITIONS.stream().map(Definition::metric).toList());
    }

    private static Definition gauge(String metric, String prometheusName, String help) {
        return new Definition(metric, prometheusName, Type.GAUGE, help);
    }
}
