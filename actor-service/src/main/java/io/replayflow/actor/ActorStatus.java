package io.replayflow.actor;

import java.time.Duration;

/**
 * A snapshot of an actor process, for progress reports ({@link ActorProgressListener}) and the
 * end-of-run summary.
 *
 * @param steps environment steps taken (transitions produced), all actors
 * @param transitionsAcked transitions the brokers acknowledged
 * @param episodes episodes finished
 * @param recentMeanReturn mean return of the last 100 finished episodes (NaN before the first)
 * @param policyVersion the version every actor acts with, at least
 * @param swaps versions swapped in
 * @param swapFailures versions refused
 * @param publishBlocked sends that blocked over 1 ms (back-pressure)
 * @param elapsed since the actors started
 * @param targetSteps the step budget, 0 if none
 */
public record ActorStatus(
        long steps,
        long transitionsAcked,
        long episodes,
        double recentMeanReturn,
        long policyVersion,
        long swaps,
        long swapFailures,
        long publishBlocked,
        Duration elapsed,
        long targetSteps) {

    /** Mean steps per second since the start. */
    public double stepsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? steps / seconds : 0.0;
    }
}
