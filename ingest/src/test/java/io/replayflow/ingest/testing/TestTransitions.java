package io.replayflow.ingest.testing;

import io.replayflow.ingest.flow.ValidTransition;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.util.List;

/**
 * Ingest's view of the shared test transitions: the builders come from {@link
 * io.replayflow.schemas.testing.TestTransitions} (schemas' test-jar); {@link #valid} adds what only
 * ingest has, the bytes validation passes on.
 */
public final class TestTransitions {

    private static final ThreadLocal<SingleObjectSerde<Transition>> SERDE =
            ThreadLocal.withInitial(() -> SingleObjectSerde.forClass(Transition.class));

    /** 2026-11-21T07:00:00Z. */
    public static final long T0 = io.replayflow.schemas.testing.TestTransitions.T0;

    private TestTransitions() {}

    /** A valid CartPole-v1 step. */
    public static Transition cartPole(String actor, String episode, long step) {
        return io.replayflow.schemas.testing.TestTransitions.cartPole(actor, episode, step);
    }

    /** Steps 0..length-1 of a CartPole episode; the last one terminates it. */
    public static List<Transition> episode(String actor, String episode, int length) {
        return io.replayflow.schemas.testing.TestTransitions.episode(actor, episode, length);
    }

    /** An image transition of an undeclared env with shape {@code [2, 2, 1]}. */
    public static Transition pixels(String envId, String actor, String episode, long step) {
        return io.replayflow.schemas.testing.TestTransitions.pixels(envId, actor, episode, step);
    }

    /** A copy of {@code t} (Avro builders deep-copy). */
    public static Transition copy(Transition t) {
        return io.replayflow.schemas.testing.TestTransitions.copy(t);
    }

    /** {@code t} as validation passes it on: with its current-schema single-object bytes. */
    public static ValidTransition valid(Transition t) {
        return ValidTransition.encode(t, SERDE.get());
    }
}
