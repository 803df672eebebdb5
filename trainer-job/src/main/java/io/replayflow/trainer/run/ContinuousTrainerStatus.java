package io.replayflow.trainer.run;

import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link ContinuousTrainer} for a progress view.
 *
 * @param phase what it is doing
 * @param trainerStep gradient steps taken, across restarts
 * @param stepsPerSecond gradient steps per second over the last second or so (0 before training)
 * @param lastLoss total loss of the last step (NaN before the first)
 * @param lastPublishedVersion the last version exported (and published, with Kafka); 0 if none
 * @param transitionsLoaded rows the reader holds (live plus pending); for a policy-gradient run,
 *     the transitions its steps have learned from so far
 * @param message the reason of a failure, or a note (e.g. a failed publish); empty if none
 * @param metrics the last step's scalars by {@link io.replayflow.trainer.metrics.TrainerMetrics}
 *     name (a policy-gradient run: losses, entropy, policy lag, importance ratios); empty if none
 */
public record ContinuousTrainerStatus(
        Phase phase,
        long trainerStep,
        double stepsPerSecond,
        float lastLoss,
        long lastPublishedVersion,
        long transitionsLoaded,
        String message,
        Map<String, Double> metrics) {

    public ContinuousTrainerStatus {
        metrics = Map.copyOf(Objects.requireNonNullElse(metrics, Map.of()));
    }

    /** A status without per-step scalars (the value-based trainer's). */
    public ContinuousTrainerStatus(
            Phase phase,
            long trainerStep,
            double stepsPerSecond,
            float lastLoss,
            long lastPublishedVersion,
            long transitionsLoaded,
            String message) {
        this(
                phase,
                trainerStep,
                stepsPerSecond,
                lastLoss,
                lastPublishedVersion,
                transitionsLoaded,
                message,
                Map.of());
    }

    /** The life of a continuous trainer. */
    public enum Phase {
        /** Constructed, not started. */
        NEW,
        /** Opening the dataset and waiting until it holds {@code min-size} transitions. */
        WAITING_FOR_DATA,
        /** Taking gradient steps. */
        TRAINING,
        /** Stopped by {@code stop()}; the last checkpoint is written. */
        STOPPED,
        /** Ended by an error; {@code message} says which. */
        FAILED
    }
}
