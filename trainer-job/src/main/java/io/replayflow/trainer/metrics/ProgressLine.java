package io.replayflow.trainer.metrics;

import io.replayflow.trainer.StepMetrics;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress report: steps done of the target, steps/s since the start of this run, ETA,
 * and the latest losses, e.g.
 *
 * <pre>
 * step 12,000/30,000 (40.0%) | 1,850 steps/s | ETA 0:00:10 | loss 0.0412 (td 0.0301, cql 0.0111) | q 48.2
 * </pre>
 *
 * The rate counts only steps of this run, so a resumed trainer's ETA is not skewed by the steps it
 * inherited. Time comes from an injected nanosecond clock.
 */
public final class ProgressLine {

    private final long startStep;
    private final long targetStep;
    private final LongSupplier nanoTime;
    private final long startNanos;

    public ProgressLine(long startStep, long targetStep, LongSupplier nanoTime) {
        this.startStep = startStep;
        this.targetStep = targetStep;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /** Steps per second since this run started. */
    public double stepsPerSecond(long step) {
        double seconds = (nanoTime.getAsLong() - startNanos) / 1e9;
        return seconds <= 0 ? 0 : (step - startStep) / seconds;
    }

    public String format(StepMetrics m) {
        long step = m.step();
        double rate = stepsPerSecond(step);
        String eta =
                rate > 0
                        ? duration(Duration.ofMillis((long) ((targetStep - step) / rate * 1000)))
                        : "?";
        double pct = targetStep == 0 ? 100 : 100.0 * step / targetStep;
        return String.format(
                Locale.ROOT,
                "step %,d/%,d (%.1f%%) | %,.0f steps/s | ETA %s | loss %.4g (td %.4g, cql %.4g) | q"
                        + " %.4g",
                step,
                targetStep,
                pct,
                rate,
                eta,
                m.totalLoss(),
                m.tdLoss(),
                m.conservativeLoss(),
                m.meanQ());
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
