package io.replayflow.actor.env;

/**
 * The scalar outcome of one {@link Environment#step}: reward, terminated, truncated.
 *
 * <p>A mutable holder that the caller allocates once and passes to every step, so that the hot loop
 * allocates nothing; the observation goes into the caller's float array instead. Not thread-safe.
 */
public final class StepResult {
    private float reward;
    private boolean terminated;
    private boolean truncated;

    /** Records an environment's step; clears {@code truncated}, which only a time limit sets. */
    public void set(float reward, boolean terminated) {
        this.reward = reward;
        this.terminated = terminated;
        this.truncated = false;
    }

    /** Marks the step as cut by a time limit (bootstrap from the next observation). */
    public void setTruncated(boolean truncated) {
        this.truncated = truncated;
    }

    public float reward() {
        return reward;
    }

    /** The MDP reached a terminal state: do not bootstrap from the next observation. */
    public boolean terminated() {
        return terminated;
    }

    /** A time limit cut the episode: do bootstrap from the next observation. */
    public boolean truncated() {
        return truncated;
    }

    /** The episode is over, for either reason; the environment needs a reset. */
    public boolean ended() {
        return terminated || truncated;
    }

    @Override
    public String toString() {
        return "StepResult[reward="
                + reward
                + ", terminated="
                + terminated
                + ", truncated="
                + truncated
                + "]";
    }
}
