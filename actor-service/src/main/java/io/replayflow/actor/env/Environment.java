package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;

/**
 * A discrete-action environment with Gymnasium semantics, written for a hot loop.
 *
 * <p>Implement this to plug your own environment into ReplayFlow, then register a factory with
 * {@link EnvRegistry#register}. The contract:
 *
 * <ul>
 *   <li>{@link #reset(long, float[], int)} starts an episode and writes its first observation.
 *   <li>{@link #step(int, float[], int, StepResult)} applies one action, writes the next
 *       observation and fills the caller's {@link StepResult} with the reward and {@code
 *       terminated} (the MDP reached a terminal state: do not bootstrap from it).
 *   <li>An environment never truncates: the time limit is applied by {@link TimeLimit}, which
 *       {@link EnvRegistry#make} and {@link VectorEnv} put around every environment.
 *   <li>An action outside {@code 0..numActions-1} throws {@link IllegalArgumentException} naming
 *       the action and the range ({@link EnvSpec#requireValidAction} writes that message).
 *   <li>Stepping after the episode terminated, or before the first reset, throws {@link
 *       IllegalStateException}.
 * </ul>
 *
 * <p>Observations are written into caller-owned arrays at an offset so that a {@link VectorEnv}
 * keeps all copies in one flat {@code float[numEnvs * observationSize]} and the step path allocates
 * nothing. Implementations are not expected to be thread-safe.
 */
public interface Environment {

    /** The environment's fixed description; the same object on every call. */
    EnvSpec spec();

    /**
     * Starts a new episode.
     *
     * @param seed seeds the random draw of the initial state; equal seeds give equal episodes
     * @param obs receives the first observation in {@code obs[offset .. offset + size)}, where size
     *     is {@code spec().observationSize()}
     */
    void reset(long seed, float[] obs, int offset);

    /**
     * Applies one action.
     *
     * @param action one of {@code 0..spec().numActions() - 1}
     * @param nextObs receives the next observation in {@code nextObs[offset .. offset + size)}
     * @param result receives the reward and the terminated flag; {@code truncated} is left false
     */
    void step(int action, float[] nextObs, int offset, StepResult result);

    /** Convenience for tests and tools (allocates): starts an episode and returns its first obs. */
    default float[] reset(long seed) {
        float[] obs = new float[spec().observationSize()];
        reset(seed, obs, 0);
        return obs;
    }
}
