package io.replayflow.trainer;

import java.util.Objects;

/**
 * Where a {@link TrainLoop} run stands, as data for a progress view (the CLI formats it; the
 * trainer never builds a console line).
 *
 * @param metrics the latest step's metrics; {@code metrics.step()} is the global step
 * @param targetStep the global step the run trains to
 * @param stepsPerSecond steps per second since this run started, counting only this run's steps, so
 *     a resumed trainer's rate (and an ETA derived from it) is not skewed by the steps it
 *     inherited; 0 before any time has passed
 */
public record TrainProgress(StepMetrics metrics, long targetStep, double stepsPerSecond) {

    public TrainProgress {
        Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * The progress of a run that started at {@code startStep} at {@code startNanos}: the rate
     * counts only the steps taken since then.
     *
     * @param nowNanos the same nanosecond clock as {@code startNanos}, read now
     */
    public static TrainProgress since(
            long startStep, long startNanos, long nowNanos, StepMetrics metrics, long targetStep) {
        double seconds = (nowNanos - startNanos) / 1e9;
        double rate = seconds <= 0 ? 0 : (metrics.step() - startStep) / seconds;
        return new TrainProgress(metrics, targetStep, rate);
    }

    /** The global step of the latest metrics. */
    public long step() {
        return metrics.step();
    }
}
