package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;

/**
 * Truncates an episode once it has run {@link EnvSpec#maxEpisodeSteps()} steps: Gymnasium's {@code
 * TimeLimit} wrapper.
 *
 * <p>After the n-th step of an episode, with n = max_episode_steps, {@code truncated} is true
 * unless the step also terminated: terminated wins, so a learner never bootstraps from a terminal
 * state. (A truncation reported by an inner wrapper is kept, under the same rule.) Once an episode
 * has ended either way, stepping again throws {@link IllegalStateException} until {@link
 * #reset(long, float[], int)} is called.
 *
 * <p>The step count starts at 0 on construction and on every reset through this wrapper, so an
 * environment whose state was set directly ({@link StatefulEnvironment#setState}) is wrapped after
 * setting the state. Not thread-safe; allocates nothing per step.
 */
public final class TimeLimit implements Environment {
    private final Environment env;
    private final int maxEpisodeSteps;
    private int elapsedSteps;
    private boolean ended;

    public TimeLimit(Environment env) {
        if (env == null) {
            throw new IllegalArgumentException("TimeLimit needs an environment to wrap; got null");
        }
        this.env = env;
        this.maxEpisodeSteps = env.spec().maxEpisodeSteps();
    }

    /** {@code env} itself if it already is a {@link TimeLimit}, otherwise a new wrapper. */
    public static TimeLimit wrap(Environment env) {
        return env instanceof TimeLimit limited ? limited : new TimeLimit(env);
    }

    /** The wrapped environment. */
    public Environment unwrapped() {
        return env;
    }

    /** Steps taken in the current episode; also the 0-based index of the next step. */
    public int elapsedSteps() {
        return elapsedSteps;
    }

    @Override
    public EnvSpec spec() {
        return env.spec();
    }

    @Override
    public void reset(long seed, float[] obs, int offset) {
        env.reset(seed, obs, offset);
        elapsedSteps = 0;
        ended = false;
    }

    @Override
    public void step(int action, float[] nextObs, int offset, StepResult result) {
        if (ended) {
            throw new IllegalStateException(
                    spec().id()
                            + ": step() called after the episode ended at step "
                            + elapsedSteps
                            + " (time limit "
                            + maxEpisodeSteps
                            + "); call reset(seed) to start a new episode");
        }
        env.step(action, nextObs, offset, result);
        elapsedSteps++;
        boolean cut = result.truncated() || elapsedSteps >= maxEpisodeSteps;
        result.setTruncated(cut && !result.terminated());
        ended = result.ended();
    }
}
