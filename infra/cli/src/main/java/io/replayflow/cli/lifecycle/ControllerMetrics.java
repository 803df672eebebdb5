package io.replayflow.cli.lifecycle;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The lifecycle controller's Prometheus metrics ({@code docs/METRICS.md}, section "Lifecycle
 * controller"). Counters count from the start of the process; the decisions themselves are on
 * {@code rf.policy.assignments.history}.
 */
public final class ControllerMetrics {

    /** One metric: its exposition name, type and HELP. */
    public record Definition(String prometheusName, String type, String help) {}

    public static final Definition DECISIONS =
            new Definition(
                    "replayflow_controller_decisions_total",
                    "counter",
                    "Assignments the controller wrote, by policy and decision (took_over,"
                            + " gate_passed, promoted, rolled_back, superseded).");
    public static final Definition GATE_REFUSALS =
            new Definition(
                    "replayflow_controller_gate_refusals_total",
                    "counter",
                    "Candidates the OPE gate (or artifact verification) kept from becoming the"
                            + " canary, counted once per version, by policy.");
    public static final Definition PASSES =
            new Definition(
                    "replayflow_controller_passes_total",
                    "counter",
                    "Passes over every followed policy (one per controller.poll-interval).");
    public static final Definition PASS_FAILURES =
            new Definition(
                    "replayflow_controller_pass_failures_total",
                    "counter",
                    "Policy passes that failed (broker unreachable, unreadable artifacts); the"
                            + " next pass retries.");
    public static final Definition CANARY_VERSION =
            new Definition(
                    "replayflow_controller_canary_version",
                    "gauge",
                    "The canary version of the policy after the last pass; 0 without a canary.");
    public static final Definition CHAMPION_VERSION =
            new Definition(
                    "replayflow_controller_champion_version",
                    "gauge",
                    "The champion version of the policy after the last pass.");

    private final Counter decisions;
    private final Counter gateRefusals;
    private final Counter passes;
    private final Counter passFailures;
    private final Gauge canary;
    private final Gauge champion;

    public ControllerMetrics(PrometheusRegistry registry) {
        decisions = counter(DECISIONS, "policy", "decision").register(registry);
        gateRefusals = counter(GATE_REFUSALS, "policy").register(registry);
        passes = counter(PASSES).register(registry);
        passFailures = counter(PASS_FAILURES, "policy").register(registry);
        canary = gauge(CANARY_VERSION).register(registry);
        champion = gauge(CHAMPION_VERSION).register(registry);
    }

    /** Every definition, for the docs test. */
    public static List<Definition> definitions() {
        return List.of(
                DECISIONS, GATE_REFUSALS, PASSES, PASS_FAILURES, CANARY_VERSION, CHAMPION_VERSION);
    }

    void decided(String policy, ControllerDecisions.Kind kind) {
        decisions.labelValues(policy, kind.label()).inc();
    }

    void gateRefused(String policy) {
        gateRefusals.labelValues(policy).inc();
    }

    void pass() {
        passes.inc();
    }

    void passFailed(String policy) {
        passFailures.labelValues(policy).inc();
    }

    void versions(String policy, long championVersion, long canaryVersion) {
        champion.labelValues(policy).set(championVersion);
        canary.labelValues(policy).set(canaryVersion);
    }

    private static Counter.Builder counter(Definition d, String... labels) {
        return Counter.builder()
                .name(d.prometheusName().replaceFirst("_total$", ""))
                .help(d.help())
                .labelNames(labels);
    }

    private static Gauge.Builder gauge(Definition d) {
        return Gauge.builder().name(d.prometheusName()).help(d.help()).labelNames("policy");
    }
}
