package io.replayflow.actor.env;

import java.util.List;

/**
 * An environment whose physical state can be read and set, so its dynamics can be checked step by
 * step against a reference from a known state rather than from a seed (random draws differ between
 * implementations, the equations must not).
 */
public interface StatefulEnvironment extends Environment {

    /** Names of the state variables in the order {@link #setState} takes them. */
    List<String> stateNames();

    /**
     * Starts a new episode from the given state, as if {@link #reset} had drawn it.
     *
     * @param state one finite value per {@link #stateNames()} entry, in that order
     * @throws IllegalArgumentException naming the expected length and the meaning of each value
     */
    void setState(double[] state);

    /** A copy of the current state, in {@link #stateNames()} order. */
    double[] state();
}
