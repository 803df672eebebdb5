package io.replayflow.actor.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.replayflow.actor.metrics.Metric.Type;
import io.replayflow.policy.PolicyRejectedException.Reason;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The metrics of one actor process: their names (the constants, which {@code docs/METRICS.md}
 * explains) and their values. Actors and the policy follower update the counters; the gauges and
 * publisher counters are read from their sources when scraped. {@link #register} exposes them
 * through the Prometheus client as {@code replayflow_actor_<name>} ({@link Metric#prometheusName}).
 *
 * <p>Thread-safe: counters are {@link LongAdder}s, the recent returns are synchronized.
 */
public final class ActorMetrics {

    /** Environment steps taken, one transition each (counter). */
    public static final String STEPS = "actor/steps";

    /** Episodes finished, terminated or truncated (counter). */
    public static final String EPISODES = "actor/episodes";

    /** Mean return of the last {@value #RECENT_EPISODES} finished episodes (gauge). */
    public static final String EPISODE_RETURN = "actor/episode_return";

    /** The policy version every actor of the process is acting with, at least (gauge). */
    public static final String POLICY_VERSION = "actor/policy_version";

    /** Policy versions swapped in (counter). */
    public static final String SWAPS = "actor/swaps";

    /**
     * Announced versions refused (counter), labelled {@code reason} with the policy runtime's
     * refusal codes ({@link Reason#metricSuffix()}, the replay job's codes too).
     */
    public static final String SWAP_FAILURES = "actor/swap_failures";

    /**
     * Failed inference calls with a version other than the champion (counter); each is reported on
     * {@code rf.policy.failures} and the version gets no more episodes from that actor.
     */
    public static final String ACT_FAILURES = "actor/act_failures";

    /** Sends that blocked more than 1 ms on a full producer buffer or metadata (counter). */
    public static final String PUBLISH_BLOCKED = "actor/publish_blocked";

    /** Time sends spent blocked, in seconds (counter). */
    public static final String PUBLISH_BLOCKED_SECONDS = "actor/publish_blocked_seconds";

    /** Transitions the brokers acknowledged (counter). */
    public static final String TRANSITIONS_ACKED = "actor/transitions_acked";

    /** Episodes in the recent-return window. */
    public static final int RECENT_EPISODES = 100;

    private final LongAdder steps = new LongAdder();
    private final LongAdder episodes = new LongAdder();
    private final LongAdder swaps = new LongAdder();
    private final LongAdder actFailures = new LongAdder();
    private final Map<Reason, LongAdder> swapFailures = new EnumMap<>(Reason.class);
    private final RecentReturns recentReturns = new RecentReturns(RECENT_EPISODES);
    private final List<Metric> all;

    /**
     * @param policyVersion the lowest version any actor of the process acts with
     * @param publishBlocked sends that blocked more than 1 ms
     * @param publishBlockedNanos time those sends blocked
     * @param acked transitions acknowledged
     */
    public ActorMetrics(
            LongSupplier policyVersion,
            LongSupplier publishBlocked,
            LongSupplier publishBlockedNanos,
            LongSupplier acked) {
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(publishBlocked, "publishBlocked");
        Objects.requireNonNull(publishBlockedNanos, "publishBlockedNanos");
        Objects.requireNonNull(acked, "acked");
        for (Reason reason : Reason.values()) {
            swapFailures.put(reason, new LongAdder());
        }
        this.all =
                List.of(
                        new Metric(
                                STEPS,
                                Type.COUNTER,
                                "Environment steps taken (one transition each).",
                                steps::sum),
                        new Metric(
                                EPISODES,
                                Type.COUNTER,
                                "Episodes finished (terminated or truncated).",
                                episodes::sum),
                        new Metric(
                                EPISODE_RETURN,
                                Type.GAUGE,
                                "Mean return of the last "
                                        + RECENT_EPISODES
                                        + " finished episodes (NaN before the first).",
                                recentReturns::mean),
                        new Metric(
                                POLICY_VERSION,
                                Type.GAUGE,
                                "Policy version every actor of the process acts with, at least"
                                        + " (0 = uniform random).",
                                policyVersion::getAsLong),
                        new Metric(SWAPS, Type.COUNTER, "Policy versions swapped in.", swaps::sum),
                        new Metric(
                                SWAP_FAILURES,
                                Type.COUNTER,
                                "Announced policy versions refused (missing artifact, checksum,"
                                        + " spec, load or warm-up failure).",
                                this::swapFailures),
                        new Metric(
                                ACT_FAILURES,
                                Type.COUNTER,
                                "Inference calls with a canary (or a rolled-back version) that"
                                        + " threw; its episodes finish on the champion.",
                                actFailures::sum),
                        new Metric(
                                PUBLISH_BLOCKED,
                                Type.COUNTER,
                                "Transition sends that blocked over 1 ms on a full producer"
                                        + " buffer (back-pressure).",
                                publishBlocked::getAsLong),
                        new Metric(
                                PUBLISH_BLOCKED_SECONDS,
                                Type.COUNTER,
                                "Seconds transition sends spent blocked.",
                                () -> publishBlockedNanos.getAsLong() / 1e9),
                        new Metric(
                                TRANSITIONS_ACKED,
                                Type.COUNTER,
                                "Transitions the Kafka brokers acknowledged.",
                                acked::getAsLong));
    }

    /**
     * Registers every metric with {@code registry}; each value is read from its source when the
     * registry is scraped, so registering costs nothing per step.
     *
     * @throws IllegalArgumentException (from the client) if {@code registry} already holds a metric
     *     of one of these names, e.g. when two actor processes' metrics share a registry
     */
    public void register(PrometheusRegistry registry) {
        for (Metric metric : all) {
            if (metric.name().equals(SWAP_FAILURES)) {
                // One series per refusal reason, each present from the start at 0.
                CounterWithCallback.builder()
                        .name(metric.prometheusBaseName())
                        .help(metric.help())
                        .labelNames("reason")
                        .callback(
                                callback ->
                                        swapFailures.forEach(
                                                (reason, count) ->
                                                        callback.call(
                                                                count.sum(),
                                                                reason.metricSuffix())))
                        .register(registry);
            } else {
                metric.register(registry);
            }
        }
    }

    /** Every metric, in a stable order. */
    public List<Metric> all() {
        return all;
    }

    /** Counts {@code n} environment steps. */
    public void addSteps(long n) {
        steps.add(n);
    }

    /** Counts one finished episode with its undiscounted return. */
    public void episodeFinished(double episodeReturn) {
        episodes.increment();
        recentReturns.add(episodeReturn);
    }

    public void swapped() {
        swaps.increment();
    }

    /** Counts one refused version, by the runtime's reason. */
    public void swapFailed(Reason reason) {
        swapFailures.get(Objects.requireNonNull(reason, "reason")).increment();
    }

    /** Counts one failed inference call with a version other than the champion. */
    public void actFailed() {
        actFailures.increment();
    }

    public long actFailures() {
        return actFailures.sum();
    }

    public long steps() {
        return steps.sum();
    }

    public long episodes() {
        return episodes.sum();
    }

    public long swaps() {
        return swaps.sum();
    }

    /** Refused versions, all reasons together. */
    public long swapFailures() {
        return swapFailures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Refused versions for {@code reason}. */
    public long swapFailures(Reason reason) {
        return swapFailures.get(reason).sum();
    }

    /** Mean return of the recent episodes; NaN before the first. */
    public double recentMeanReturn() {
        return recentReturns.mean();
    }

    /** The value of the metric named {@code name} (e.g. {@link #SWAP_FAILURES}). */
    public double value(String name) {
        for (Metric metric : all) {
            if (metric.name().equals(name)) {
                return metric.value().getAsDouble();
            }
        }
        throw new IllegalArgumentException("no actor metric named " + name);
    }
}
