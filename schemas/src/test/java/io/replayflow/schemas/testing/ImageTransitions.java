package io.replayflow.schemas.testing;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.env.FrameStacking;
import io.replayflow.schemas.frames.FrameLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Image transitions as MinAtar actors log them, for tests of frames stored once: {@code actors}
 * actors step 10×10×4 binary frames (a few pixels change per step, as a ball and paddle move),
 * optionally through a stack of k frames ({@code MinAtar/Breakout-v1+stack<k>}, shape [10, 10,
 * 4k]); their rows interleave at random, episodes end (terminated or truncated) and the actor
 * auto-resets into a new episode whose stack starts as k copies of the reset frame.
 *
 * <pre>{@code
 * List<Transition> log = ImageTransitions.interleaved(4, 6, 3_000, 7L);
 * }</pre>
 */
public final class ImageTransitions {

    public static final String BREAKOUT = "MinAtar/Breakout-v1";

    private ImageTransitions() {}

    /** The env id of a stack of {@code k} (the base id for k = 1). */
    public static String envId(int k) {
        return k == 1 ? BREAKOUT : FrameStacking.id(BREAKOUT, k);
    }

    /**
     * {@code rows} rows of {@code actors} actors' episodes with a stack of {@code k}, interleaved.
     */
    public static List<Transition> interleaved(int k, int actors, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FrameLayout layout = new FrameLayout(100, 4, k);
        String env = envId(k);
        List<Integer> shape = List.of(10, 10, 4 * k);
        Actor[] all = new Actor[actors];
        for (int a = 0; a < actors; a++) {
            all[a] = new Actor("actor-" + a, k, random);
        }
        List<Transition> log = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            Actor actor = all[random.nextInt(actors)];
            byte[] obs = actor.stack(layout);
            actor.advance(random);
            byte[] next = actor.stack(layout);
            boolean end = random.nextInt(40) == 0;
            boolean truncated = end && random.nextBoolean();
            log.add(
                    Transition.newBuilder()
                            .setEnvId(env)
                            .setActorId(actor.id)
                            .setEpisodeId(actor.id + "-ep" + actor.episode)
                            .setStep(actor.step)
                            .setEventTimeMs(TestTransitions.T0 + 10L * i)
                            .setObs(List.of())
                            .setAction(random.nextInt(6))
                            .setReward(random.nextInt(10) == 0 ? 1f : 0f)
                            .setNextObs(List.of())
                            .setTerminated(end && !truncated)
                            .setTruncated(truncated)
                            .setBehaviorProb(1f / 6)
                            .setPolicyVersion(i / 500)
                            .setObsImage(new UInt8Tensor(ByteBuffer.wrap(obs), shape))
                            .setNextObsImage(new UInt8Tensor(ByteBuffer.wrap(next), shape))
                            .build());
            actor.step++;
            if (end) {
                actor.reset(random);
            }
        }
        return log;
    }

    /** One actor's env: its last k frames, oldest first. */
    private static final class Actor {
        final String id;
        final byte[][] frames;
        int episode;
        long step;

        Actor(String id, int k, SplittableRandom random) {
            this.id = id;
            this.frames = new byte[k][];
            reset(random);
            episode = 0;
        }

        void reset(SplittableRandom random) {
            byte[] first = new byte[400];
            for (int p = 0; p < 30; p++) {
                first[random.nextInt(400)] = 1;
            }
            for (int j = 0; j < frames.length; j++) {
                frames[j] = first;
            }
            episode++;
            step = 0;
        }

        void advance(SplittableRandom random) {
            byte[] next = frames[frames.length - 1].clone();
            for (int p = 0; p < 3; p++) {
                next[random.nextInt(400)] ^= 1;
            }
            System.arraycopy(frames, 1, frames, 0, frames.length - 1);
            frames[frames.length - 1] = next;
        }

        byte[] stack(FrameLayout layout) {
            byte[] obs = new byte[layout.observationBytes()];
            for (int j = 0; j < frames.length; j++) {
                layout.place(frames[j], 0, j, obs, 0);
            }
            return obs;
        }
    }
}
