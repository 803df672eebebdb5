package io.replayflow.replay.data.testing;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Synthetic transitions with the shape of CartPole-v1 (obs of 4 floats, 2 actions). */
public final class Transitions {

    private Transitions() {}

    /**
     * One episode of {@code length} steps, each {@code stepMs} apart from {@code startMs}; the last
     * step terminates or truncates as asked (or neither: the episode is still open). Observations
     * encode the step so a test can check what it reads: obs[k] = step * 10 + k.
     */
    public static List<Transition> episode(
            String env,
            String actor,
            String episode,
            int length,
            long startMs,
            long stepMs,
            boolean terminated,
            boolean truncated,
            long policyVersion,
            int obsDim) {
        List<Transition> steps = new ArrayList<>(length);
        for (int t = 0; t < length; t++) {
            boolean last = t == length - 1;
            steps.add(
                    transition(
                            env,
                            actor,
                            episode,
                            t,
                            startMs + t * stepMs,
                            1.0f + t,
                            last && terminated,
                            last && truncated,
                            policyVersion,
                            obsDim));
        }
        return steps;
    }

    public static Transition transition(
            String env,
            String actor,
            String episode,
            long step,
            long eventTimeMs,
            float reward,
            boolean terminated,
            boolean truncated,
            long policyVersion,
            int obsDim) {
        List<Float> obs = new ArrayList<>(obsDim);
        List<Float> next = new ArrayList<>(obsDim);
        for (int k = 0; k < obsDim; k++) {
            obs.add(step * 10f + k);
            next.add((step + 1) * 10f + k);
        }
        return Transition.newBuilder()
                .setEnvId(env)
                .setActorId(actor)
                .setEpisodeId(episode)
                .setStep(step)
                .setEventTimeMs(eventTimeMs)
                .setObs(obs)
                .setAction((int) (step % 2))
                .setReward(reward)
                .setNextObs(next)
                .setTerminated(terminated)
                .setTruncated(truncated)
                .setBehaviorProb(0.5f)
                .setPolicyVersion(policyVersion)
                .build();
    }

    /**
     * One episode of uint8 image transitions ({@code obs_image}/{@code next_obs_image} of {@code
     * shape}, empty float lists), like {@link #episode} otherwise. Image bytes encode the step so a
     * test can check what it reads: {@link #image}{@code (step, size)} before the action, {@code
     * image(step + 1, size)} after it.
     */
    public static List<Transition> imageEpisode(
            String env,
            String actor,
            String episode,
            int length,
            long startMs,
            boolean terminated,
            List<Integer> shape) {
        int size = shape.stream().reduce(1, Math::multiplyExact);
        List<Transition> steps = new ArrayList<>(length);
        for (Transition t :
                episode(env, actor, episode, length, startMs, 1000, terminated, false, 0, 0)) {
            int step = (int) t.getStep();
            t.setObsImage(new UInt8Tensor(ByteBuffer.wrap(image(step, size)), shape));
            t.setNextObsImage(new UInt8Tensor(ByteBuffer.wrap(image(step + 1, size)), shape));
            steps.add(t);
        }
        return steps;
    }

    /** The image {@link #imageEpisode} stores for {@code step}: every byte value 0-255 occurs. */
    public static byte[] image(int step, int size) {
        byte[] out = new byte[size];
        for (int k = 0; k < size; k++) {
            out[k] = (byte) (step * 31 + k * 7);
        }
        return out;
    }

    /**
     * {@code count} CartPole-like transitions in episodes of random length (10-200 steps), random
     * observations, 1 ms apart from {@code startMs}.
     */
    public static List<Transition> cartPole(int count, long startMs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Transition> out = new ArrayList<>(count);
        int episode = 0;
        while (out.size() < count) {
            int length = Math.min(count - out.size(), 10 + rng.nextInt(191));
            String episodeId = "ep-" + seed + "-" + episode++;
            for (int t = 0; t < length; t++) {
                List<Float> obs = new ArrayList<>(4);
                List<Float> next = new ArrayList<>(4);
                for (int k = 0; k < 4; k++) {
                    obs.add((float) rng.nextGaussian());
                    next.add((float) rng.nextGaussian());
                }
                out.add(
                        Transition.newBuilder()
                                .setEnvId("CartPole-v1")
                                .setActorId("actor-" + (episode % 8))
                                .setEpisodeId(episodeId)
                                .setStep(t)
                                .setEventTimeMs(startMs + out.size())
                                .setObs(obs)
                                .setAction(rng.nextInt(2))
                                .setReward(1.0f)
                                .setNextObs(next)
                                .setTerminated(t == length - 1)
                                .setTruncated(false)
                                .setBehaviorProb(0.5f)
                                .setPolicyVersion(episode / 1000)
                                .build());
            }
        }
        return out;
    }
}
