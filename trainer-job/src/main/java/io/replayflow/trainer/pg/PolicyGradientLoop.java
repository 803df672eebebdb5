package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentSource;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.metrics.TrainerPrometheus;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Drives a {@link SegmentLearner} ({@link PolicyGradientLearner}, or R2D2's) from a {@link
 * SegmentSource}: asks for {@code trainer.batch-size} segments, takes one step when they are there,
 * and reports each step's losses, policy lag and importance ratios to Prometheus ({@link
 * TrainerPrometheus}, every step) and TensorBoard ({@link EventFileWriter}, every {@code
 * trainer.metrics.period} steps).
 *
 * <pre>{@code
 * PolicyGradientLoop loop = new PolicyGradientLoop(learner, source, prometheus, events,
 *         publisher::lastVersion, InstantSource.system());
 * while (running) {
 *     if (loop.poll().isEmpty()) Thread.sleep(5);   // the pipeline has no segments ready yet
 * }
 * }</pre>
 *
 * <p>Not thread-safe: owned by the learner's thread, like the learner and the source.
 */
public final class PolicyGradientLoop {

    private final SegmentLearner learner;
    private final SegmentSource source;
    private final TrainerPrometheus prometheus; // null: none
    private final EventFileWriter events; // null: none
    private final LongSupplier publishedVersion;
    private final InstantSource clock;
    private Map<String, Double> last = Map.of();

    /**
     * @param prometheus gauges to set after each step, or null
     * @param events TensorBoard writer, or null
     * @param publishedVersion the newest version the learner has published (for the policy lag)
     * @param clock the learner's clock (for the lag in seconds)
     */
    public PolicyGradientLoop(
            SegmentLearner learner,
            SegmentSource source,
            TrainerPrometheus prometheus,
            EventFileWriter events,
            LongSupplier publishedVersion,
            InstantSource clock) {
        this.learner = Objects.requireNonNull(learner, "learner");
        this.source = Objects.requireNonNull(source, "source");
        this.prometheus = prometheus;
        this.events = events;
        this.publishedVersion = Objects.requireNonNull(publishedVersion, "publishedVersion");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One step if a batch is ready; empty when the source has too few segments. */
    public Optional<PgStepMetrics> poll() {
        var batch = source.next(learner.config().trainer().batchSize());
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        PgStepMetrics m = learner.step(batch.get(), publishedVersion.getAsLong(), clock.millis());
        Map<String, Double> scalars = scalars(m, learner.samplesSeen());
        if (learner.config().recurrent()) {
            scalars.put(TrainerMetrics.BURN_IN_ZERO_STATE, (double) learner.zeroStateSegments());
        }
        last = Map.copyOf(scalars);
        if (prometheus != null) {
            scalars.forEach(prometheus::set);
        }
        long period = learner.config().trainer().metricsPeriod();
        if (events != null && period > 0 && m.step() % period == 0) {
            events.scalars(scalars, m.step());
        }
        return Optional.of(m);
    }

    /** The last step's metrics by {@link TrainerMetrics} name; empty before the first step. */
    public Map<String, Double> lastScalars() {
        return last;
    }

    /** Every metric of one step by its {@link TrainerMetrics} name. */
    static Map<String, Double> scalars(PgStepMetrics m, long samples) {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put(TrainerMetrics.LOSS_TOTAL, (double) m.totalLoss());
        // a Q learner (R2D2) has no policy loss or entropy: NaN there, left out
        putIfNumber(s, TrainerMetrics.LOSS_POLICY, m.policyLoss());
        s.put(TrainerMetrics.LOSS_VALUE, (double) m.valueLoss());
        putIfNumber(s, TrainerMetrics.POLICY_ENTROPY, m.entropy());
        s.put(TrainerMetrics.GRAD_NORM, (double) m.gradNorm());
        s.put(TrainerMetrics.POLICY_LAG_VERSIONS, m.stats().meanLagVersions());
        s.put(TrainerMetrics.POLICY_LAG_VERSIONS_MAX, (double) m.stats().maxLagVersions());
        s.put(TrainerMetrics.POLICY_LAG_SECONDS, m.stats().meanLagSeconds());
        s.put(TrainerMetrics.IMPORTANCE_RATIO_MEAN, m.stats().meanRatio());
        s.put(TrainerMetrics.IMPORTANCE_RATIO_MAX, m.stats().maxRatio());
        s.put(TrainerMetrics.GLOBAL_STEP, (double) m.step());
        s.put(TrainerMetrics.SAMPLES, (double) samples);
        return s;
    }

    private static void putIfNumber(Map<String, Double> s, String name, float value) {
        if (!Float.isNaN(value)) {
            s.put(name, (double) value);
        }
    }
}
