package io.replayflow.actor;

import java.time.Duration;

/**
 * Hears how an {@link ActorRunner} run goes, as data: the caller (the CLI) decides how to show it;
 * the runner never builds a console line. Every callback runs on the thread that called {@link
 * ActorRunner#awaitCompletion}, in order: swap events as they happened, before the progress report
 * that follows them, and {@link #finished} last, after the actors stopped and the producer flushed
 * (also when an actor failed, before {@code awaitCompletion} throws). Callbacks should return
 * quickly. Every method does nothing by default.
 */
public interface ActorProgressListener {

    /** Hears nothing. */
    ActorProgressListener NONE = new ActorProgressListener() {};

    /**
     * Every {@code actor.progress.interval} while the actors run.
     *
     * @param status the counters now
     * @param recentStepsPerSecond the rate over the last interval
     */
    default void progress(ActorStatus status, double recentStepsPerSecond) {}

    /**
     * The actors picked up a newer policy version.
     *
     * @param version the version swapped in
     * @param loadTime how long verifying, loading and warming it up took
     */
    default void swapped(long version, Duration loadTime) {}

    /**
     * The actors refused an announced version and keep acting with another.
     *
     * @param refusal the refused version and why
     * @param keptVersion the version they still act with
     */
    default void refused(ActorRunner.Refusal refusal, long keptVersion) {}

    /**
     * The run is over.
     *
     * @param status the final counters
     */
    default void finished(ActorStatus status) {}
}
