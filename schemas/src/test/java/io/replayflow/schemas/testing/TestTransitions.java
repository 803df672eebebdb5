package io.replayflow.schemas.testing;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Valid transitions for tests, and episodes of them: the one Transition builder every module's
 * tests share (schemas' test-jar).
 *
 * <pre>{@code
 * Transition t = TestTransitions.cartPole("actor-0", "ep-1", 3);
 * List<Transition> ep = TestTransitions.episode("actor-0", "ep-1", 10);  // last one terminates
 * }</pre>
 */
public final class TestTransitions {

    /** 2026-11-21T07:00:00Z. */
    public static final long T0 = 1_795_244_400_000L;

    private TestTransitions() {}

    /** A valid CartPole-v1 step at {@code T0 + step * 20 ms}; actions alternate 0, 1. */
    public static Transition cartPole(String actor, String episode, long step) {
        return Transition.newBuilder()
                .setEnvId("CartPole-v1")
                .setActorId(actor)
                .setEpisodeId(episode)
                .setStep(step)
                .setEventTimeMs(T0 + step * 20)
                .setObs(List.of(0.01f * step, -0.2f, 0.03f, 0.4f))
                .setAction((int) (step % 2))
                .setReward(1.0f)
                .setNextObs(List.of(0.01f * (step + 1), -0.1f, 0.035f, 0.1f))
                .setTerminated(false)
                .setTruncated(false)
                .setBehaviorProb(0.5f)
                .setPolicyVersion(0)
                .build();
    }

    /** Steps 0..length-1 of a CartPole episode; the last one terminates it. */
    public static List<Transition> episode(String actor, String episode, int length) {
        List<Transition> steps = new ArrayList<>(length);
        for (int step = 0; step < length; step++) {
            Transition t = cartPole(actor, episode, step);
            t.setTerminated(step == length - 1);
            steps.add(t);
        }
        return steps;
    }

    /** An image transition of an undeclared env with shape {@code [2, 2, 1]}. */
    public static Transition pixels(String envId, String actor, String episode, long step) {
        UInt8Tensor frame =
                UInt8Tensor.newBuilder()
                        .setData(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
                        .setShape(List.of(2, 2, 1))
                        .build();
        return Transition.newBuilder(cartPole(actor, episode, step))
                .setEnvId(envId)
                .setObs(List.of())
                .setNextObs(List.of())
                .setObsImage(frame)
                .setNextObsImage(
                        UInt8Tensor.newBuilder(frame)
                                .setData(ByteBuffer.wrap(new byte[] {4, 3, 2, 1}))
                                .build())
                .build();
    }

    /**
     * A MinAtar-like image step of {@code envId}: 0/1 frames of {@code shape} (bytes = product of
     * the shape), the next frame a shifted copy of the first; action {@code step % 6}.
     */
    public static Transition image(
            String envId, String actor, String episode, long step, List<Integer> shape) {
        int size = shape.stream().reduce(1, Math::multiplyExact);
        byte[] obs = new byte[size];
        byte[] next = new byte[size];
        for (int i = 0; i < size; i++) {
            obs[i] = (byte) ((i + step) % 7 == 0 ? 1 : 0);
            next[i] = (byte) ((i + step + 1) % 7 == 0 ? 1 : 0);
        }
        return Transition.newBuilder(cartPole(actor, episode, step))
                .setEnvId(envId)
                .setObs(List.of())
                .setNextObs(List.of())
                .setAction((int) (step % 6))
                .setBehaviorProb(1f / 6)
                .setObsImage(new UInt8Tensor(ByteBuffer.wrap(obs), List.copyOf(shape)))
                .setNextObsImage(new UInt8Tensor(ByteBuffer.wrap(next), List.copyOf(shape)))
                .build();
    }

    /** A copy of {@code t} (Avro builders deep-copy). */
    public static Transition copy(Transition t) {
        return Transition.newBuilder(t).build();
    }
}
