package io.replayflow.actor.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.replayflow.actor.metrics.Metric.Type;
import io.replayflow.actor.serve.decide.BatcherListener;
import io.replayflow.actor.serve.decide.DecisionStage;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The metrics of the decision service ({@code replayflow serve}), named {@code serve/...}. */
public final class ServeMetrics implements BatcherListener {

    /** Decisions answered (logged, then returned). */
    public static final String DECISIONS = "serve/decisions";

    /** Policy calls; decisions / batches is the mean micro-batch size. */
    public static final String BATCHES = "serve/batches";

    /** Rewards accepted and logged. */
    public static final String REWARDS = "serve/rewards";

    /** Session ends accepted and logged. */
    public static final String SESSION_ENDS = "serve/session_ends";

    /** Calls refused, one series per {@link Refusal}. */
    public static final String REFUSED = "serve/refused";

    /** The policy version decisions are taken with now (0 = uniform random). */
    public static final String POLICY_VERSION = "serve/policy_version";

    /** Policy versions swapped in. */
    public static final String SWAPS = "serve/swaps";

    /** Policy versions refused by verification (the service keeps the old one). */
    public static final String SWAP_FAILURES = "serve/swap_failures";

    /** Sessions decided for and not yet ended or idle past the timeout. */
    public static final String OPEN_SESSIONS = "serve/open_sessions";

    /**
     * Records Kafka failed to take after their call was answered: only with {@code
     * serve.log.answer-before-ack}; 0 otherwise, since an answer then waits for the log.
     */
    public static final String LOG_FAILURES_AFTER_ANSWER = "serve/log_failures_after_answer";

    /**
     * How long each stage of a decision took, a histogram in seconds with one series per {@link
     * DecisionStage} (Prometheus name {@link #STAGE_SECONDS_NAME}): where a decision's latency goes
     * inside the service, for {@code histogram_quantile} and for {@code bench serve}.
     */
    public static final String STAGE_SECONDS = "serve/decision_stage_seconds";

    /** {@link #STAGE_SECONDS} as Prometheus names it. */
    public static final String STAGE_SECONDS_NAME = "replayflow_serve_decision_stage_seconds";

    /** The HELP text of {@link #STAGE_SECONDS}. */
    public static final String STAGE_SECONDS_HELP =
            "Seconds each stage of a decision took inside the service, by stage: wait (admission to"
                + " its batch's policy call), act (one per batch: the policy calls), log (to the"
                + " log's acknowledgement), answer (admission to the answer, HTTP excluded).";

    /**
     * Upper bounds of {@link #STAGE_SECONDS}'s buckets: 50 µs to 1 s, finest around the
     * milliseconds a decision takes (the micro-batcher waits up to 200 µs, Kafka acknowledges in
     * about one millisecond on one machine).
     */
    static final double[] STAGE_BOUNDS = {
        0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004,
        0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0
    };

    /** Why a call was refused: the {@code reason} label of {@link #REFUSED}. */
    public enum Refusal {
        /** A field is missing, of the wrong type, the wrong length, or not finite. */
        BAD_FIELD,
        /** The body is not JSON. */
        MALFORMED_JSON,
        /** The body is larger than the configured limit. */
        TOO_LARGE,
        /** The request names a policy this service does not serve. */
        UNKNOWN_POLICY,
        /** An end for a session this service has not decided for (or already ended). */
        UNKNOWN_SESSION,
        /** No such route or method. */
        NOT_FOUND,
        /** The decision queue was full. */
        OVERLOADED,
        /** The log (Kafka) did not take the record in time. */
        LOG_FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final LongAdder decisions = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder rewards = new LongAdder();
    private final LongAdder sessionEnds = new LongAdder();
    private final LongAdder swaps = new LongAdder();
    private final LongAdder swapFailures = new LongAdder();
    private final LongAdder lostAfterAnswer = new LongAdder();
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
    private final List<Metric> all;
    private final Histogram stages =
            Histogram.builder()
                    .name(STAGE_SECONDS_NAME)
                    .help(STAGE_SECONDS_HELP)
                    .labelNames("stage")
                    .classicOnly()
                    .classicUpperBounds(STAGE_BOUNDS)
                    .withoutExemplars()
                    .build();
    private final Map<DecisionStage, DistributionDataPoint> stagePoints =
            new EnumMap<>(DecisionStage.class);

    /**
     * @param policyVersion the version now acting
     * @param openSessions the sessions now open
     */
    public ServeMetrics(LongSupplier policyVersion, LongSupplier openSessions) {
        for (Refusal r : Refusal.values()) {
            refused.put(r, new LongAdder());
        }
        for (DecisionStage stage : DecisionStage.values()) {
            stagePoints.put(stage, stages.labelValues(stage.label()));
        }
        this.all =
                List.of(
                        new Metric(
                                DECISIONS,
                                Type.COUNTER,
                                "Decisions logged and answered.",
                                decisions::sum),
                        new Metric(
                                BATCHES,
                                Type.COUNTER,
                                "Policy calls; decisions / batches is the mean micro-batch size.",
                                batches::sum),
                        new Metric(REWARDS, Type.COUNTER, "Rewards logged.", rewards::sum),
                        new Metric(
                                SESSION_ENDS,
                                Type.COUNTER,
                                "Session ends logged.",
                                sessionEnds::sum),
                        new Metric(
                                REFUSED,
                                Type.COUNTER,
                                "Calls refused with a 4xx or 5xx answer, by reason.",
                                this::refusedTotal),
                        new Metric(
                                POLICY_VERSION,
                                Type.GAUGE,
                                "Policy version new decisions are taken with (0 = uniform"
                                        + " random).",
                                policyVersion::getAsLong),
                        new Metric(SWAPS, Type.COUNTER, "Policy versions swapped in.", swaps::sum),
                        new Metric(
                                SWAP_FAILURES,
                                Type.COUNTER,
                                "Policy versions refused by verification.",
                                swapFailures::sum),
                        new Metric(
                                LOG_FAILURES_AFTER_ANSWER,
                                Type.COUNTER,
                                "Records answered before Kafka acknowledged them"
                                        + " (serve.log.answer-before-ack) that Kafka then failed"
                                        + " to take: answered, not logged.",
                                lostAfterAnswer::sum),
                        new Metric(
                                OPEN_SESSIONS,
                                Type.GAUGE,
                                "Sessions decided for and not yet ended or idle.",
                                openSessions::getAsLong));
    }

    /** Registers every metric; values are read at scrape time. */
    public void register(PrometheusRegistry registry) {
        for (Metric metric : all) {
            if (metric.name().equals(REFUSED)) {
                CounterWithCallback.builder()
                        .name(metric.prometheusBaseName())
                        .help(metric.help())
                        .labelNames("reason")
                        .callback(
                                callback ->
                                        refused.forEach(
                                                (reason, n) ->
                                                        callback.call(n.sum(), reason.label())))
                        .register(registry);
            } else {
                metric.register(registry);
            }
        }
        registry.register(stages);
    }

    @Override
    public void took(DecisionStage stage, long nanos) {
        stagePoints.get(stage).observe(nanos / 1e9);
    }

    /** The counts of {@code stage} so far, per bucket (not cumulative). */
    public LatencyHistogram stage(DecisionStage stage) {
        for (HistogramDataPointSnapshot point : stages.collect().getDataPoints()) {
            if (point.getLabels().get("stage").equals(stage.label())) {
                ClassicHistogramBuckets buckets = point.getClassicBuckets();
                double[] bounds = new double[buckets.size()];
                long[] counts = new long[buckets.size()];
                for (int i = 0; i < buckets.size(); i++) {
                    bounds[i] = buckets.getUpperBound(i);
                    counts[i] = buckets.getCount(i);
                }
                return new LatencyHistogram(bounds, counts);
            }
        }
        throw new IllegalStateException("no series for stage " + stage.label());
    }

    /** Every metric, in a stable order. */
    public List<Metric> all() {
        return all;
    }

    public void lostAfterAnswer() {
        lostAfterAnswer.increment();
    }

    public void decided() {
        decisions.increment();
    }

    @Override
    public void batch(int size) {
        batches.increment();
    }

    public void rewarded() {
        rewards.increment();
    }

    public void sessionEnded() {
        sessionEnds.increment();
    }

    public void swapped() {
        swaps.increment();
    }

    public void swapFailed() {
        swapFailures.increment();
    }

    /** Versions refused so far (the previous one kept serving). */
    public long swapFailures() {
        return swapFailures.sum();
    }

    public void refused(Refusal reason) {
        refused.get(reason).increment();
    }

    public long refusals(Refusal reason) {
        return refused.get(reason).sum();
    }

    public long decisions() {
        return decisions.sum();
    }

    private double refusedTotal() {
        return refused.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
