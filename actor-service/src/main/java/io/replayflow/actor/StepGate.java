package io.replayflow.actor;

/**
 * Holds an actor back until it may take its next vector step: the writer's side of a replay ratio,
 * where a consumer of the actor's data (a trainer) sets how far ahead of it the actor may run.
 * Reverb's rate limiter blocks both sides the same way; ReplayFlow's samples-per-insert limiter
 * already blocks the trainer when it runs ahead of the data, and a gate lets the actors wait when
 * the trainer falls behind, so the updates per environment step stay as configured on a machine too
 * loaded for the trainer to keep up.
 *
 * <p>Asked before every vector step, from the actor's thread; while it answers false the actor
 * polls it every {@link #POLL_NANOS}, still stopping when asked to, and does not burst afterwards
 * to catch up with its throttle.
 *
 * <pre>{@code
 * StepGate gate = stepsSoFar -> stepsSoFar < 5_000 + trainer.status().trainerStep();
 * ActorRunner.start(config, EnvRegistry.withBuiltIns(), InstantSource.system(),
 *         ActingListener.NONE, gate);
 * }</pre>
 */
@FunctionalInterface
public interface StepGate {

    /** Never holds an actor back (the default). */
    StepGate OPEN = stepsSoFar -> true;

    /** How often a held actor asks again. */
    long POLL_NANOS = 2_000_000L;

    /**
     * Whether an actor that has taken {@code stepsSoFar} environment steps (all its copies
     * together) may take its next vector step now. Must be cheap and must not block.
     */
    boolean mayStep(long stepsSoFar);
}
