package io.replayflow.policy;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What a reader needs of a policy: the observation shape it feeds and the number of actions it
 * understands, e.g. an actor's environment.
 *
 * @param name what the spec belongs to, for messages (e.g. {@code CartPole-v1})
 * @param observationShape observation shape without the batch dimension, non-empty, sizes >= 1
 * @param numActions discrete actions, >= 1
 */
public record PolicySpec(String name, List<Integer> observationShape, int numActions)
        implements Serializable {

    public PolicySpec {
        Objects.requireNonNull(name, "name");
        observationShape = List.copyOf(observationShape);
        if (observationShape.isEmpty() || observationShape.stream().anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(
                    name
                            + ": observation shape must be non-empty with sizes >= 1; got "
                            + observationShape);
        }
        if (numActions < 1) {
            throw new IllegalArgumentException(
                    name + ": numActions must be >= 1; got " + numActions);
        }
    }

    /** Floats per observation: the product of the shape. */
    public int observationSize() {
        return observationShape.stream().reduce(1, Math::multiplyExact);
    }
}
