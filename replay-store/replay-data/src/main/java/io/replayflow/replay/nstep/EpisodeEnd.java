package io.replayflow.replay.nstep;

/** How a run of consecutive steps ends, which decides bootstrapping at its tail. */
public enum EpisodeEnd {
    /** The last step reached a terminal state: targets that reach it do not bootstrap. */
    TERMINATED,
    /** A time limit cut the episode: targets bootstrap from the final next_obs. */
    TRUNCATED,
    /**
     * The run's end was not seen (flushed by the idle rule, or a gap in the steps): targets are
     * treated as truncated at the last step seen, and the return-to-go is unknown.
     */
    OPEN;

    /** Whether the episode's end was seen, so a Monte-Carlo return can be computed. */
    public boolean complete() {
        return this != OPEN;
    }
}
