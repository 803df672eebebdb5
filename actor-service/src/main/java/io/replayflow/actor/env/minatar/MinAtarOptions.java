package io.replayflow.actor.env.minatar;

/**
 * The options of MinAtar's {@code Environment} wrapper and its Gymnasium registration.
 *
 * <pre>{@code
 * MinAtarOptions.DEFAULTS;                                  // sticky 0.1, full actions, ramping
 * MinAtarOptions.DEFAULTS.withStickyActionProbability(0);   // deterministic games stay so
 * new MinAtarOptions(0.1, true, true);                      // minimal action set
 * }</pre>
 *
 * @param stickyActionProbability the probability that a step repeats the previous action instead of
 *     the chosen one (MinAtar's {@code sticky_action_prob}); in [0, 1)
 * @param minimalActionSet act with the game's minimal action set (indices 0..k-1 map to MinAtar's
 *     minimal actions in its order) instead of the six full actions {@code n l u r d f}
 * @param difficultyRamping MinAtar's {@code difficulty_ramping}: Space Invaders, Asterix and
 *     Seaquest speed up as the episode goes on
 */
public record MinAtarOptions(
        double stickyActionProbability, boolean minimalActionSet, boolean difficultyRamping) {

    /** MinAtar's defaults: sticky actions with p = 0.1, the full action set, ramping on. */
    public static final MinAtarOptions DEFAULTS = new MinAtarOptions(0.1, false, true);

    /** Validates the probability; the message names it and the range. */
    public MinAtarOptions {
        if (!(stickyActionProbability >= 0 && stickyActionProbability < 1)) {
            throw new IllegalArgumentException(
                    "the sticky-action probability must be in [0, 1) (MinAtar's default is 0.1, 0"
                            + " turns sticky actions off); got "
                            + stickyActionProbability);
        }
    }

    public MinAtarOptions withStickyActionProbability(double probability) {
        return new MinAtarOptions(probability, minimalActionSet, difficultyRamping);
    }

    public MinAtarOptions withMinimalActionSet(boolean minimal) {
        return new MinAtarOptions(stickyActionProbability, minimal, difficultyRamping);
    }
}
