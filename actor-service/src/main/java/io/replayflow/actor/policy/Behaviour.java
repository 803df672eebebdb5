package io.replayflow.actor.policy;

import io.replayflow.policy.Policy;
import io.replayflow.schemas.env.EnvSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The version-0 policy: what actors act with before any trained policy is published ({@code
 * actor.behaviour}, {@code --behaviour}). A deterministic choice is explored around with the
 * configured ε like any greedy policy, and a published version replaces it as usual.
 *
 * <ul>
 *   <li>{@link #RANDOM} ({@code random}, the default): uniform over the actions ({@link
 *       RandomPolicy}); ε does not apply.
 *   <li>{@link #CARTPOLE_HAND} ({@code cartpole-hand}): the CartPole-v1 hand controller {@link
 *       CartPoleHandPolicy} under ε-greedy, e.g. a poor logged dataset at ε = 0.65.
 * </ul>
 */
public enum Behaviour {
    RANDOM("random"),
    CARTPOLE_HAND("cartpole-hand");

    private static final String CARTPOLE = "CartPole-v1";

    private final String id;

    Behaviour(String id) {
        this.id = id;
    }

    /** The name in config and on the command line. */
    public String id() {
        return id;
    }

    /**
     * Parses {@code random} or {@code cartpole-hand}.
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static Behaviour parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Behaviour b : values()) {
            if (b.id.equals(wanted)) {
                return b;
            }
        }
        throw new IllegalArgumentException(
                "unknown behaviour '"
                        + text
                        + "': choose one of "
                        + Arrays.stream(values())
                                .map(Behaviour::id)
                                .collect(Collectors.joining(", ")));
    }

    /**
     * Why this behaviour cannot drive {@code envId}, or null if it can.
     *
     * @return for cartpole-hand on Acrobot-v1: "drives CartPole-v1 only, not Acrobot-v1: use random
     *     for other environments"
     */
    public String unsupported(String envId) {
        if (this == CARTPOLE_HAND && !CARTPOLE.equals(envId)) {
            return "drives "
                    + CARTPOLE
                    + " only, not "
                    + envId
                    + ": use "
                    + RANDOM.id
                    + " for other environments";
        }
        return null;
    }

    /**
     * The version-0 policy for {@code spec}'s environment.
     *
     * @param random the draws of the uniform policy (unused by deterministic behaviours)
     * @throws IllegalArgumentException if this behaviour does not control that environment
     */
    public Policy versionZero(EnvSpec spec, RandomGenerator random) {
        String why = unsupported(spec.id());
        if (why != null) {
            throw new IllegalArgumentException(id + " " + why);
        }
        return switch (this) {
            case RANDOM -> new RandomPolicy(spec.numActions(), spec.observationSize(), random);
            case CARTPOLE_HAND -> new CartPoleHandPolicy();
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
