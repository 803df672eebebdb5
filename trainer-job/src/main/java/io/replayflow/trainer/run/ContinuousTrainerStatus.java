package io.replayflow.trainer.run;

/**
 * A snapshot of a {@link ContinuousTrainer} for a progress view.
 *
 * @param phase what it is doing
 * @param trainerStep gradient steps taken, across restarts
 * @param stepsPerSecond gradient steps per second over the last second or so (0 before training)
 * @param lastLoss total loss of the last step (NaN before the first)
 * @param lastPublishedVersion the last version exported (and published, with Kafka); 0 if none
 * @param transitionsLoaded rows the reader holds (live plus pending)
 * @param message the reason of a failure, or a note (e.g. a failed publish); empty if none
 */
public record ContinuousTrainerStatus(
        Phase phase,
        long trainerStep,
        double stepsPerSecond,
        float lastLoss,
        long lastPublishedVersion,
        long transitionsLoaded,
        String message) {

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
