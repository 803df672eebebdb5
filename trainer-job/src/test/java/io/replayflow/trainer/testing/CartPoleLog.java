package io.replayflow.trainer.testing;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Transitions for tests: CartPole-v1 episodes of a uniformly random behaviour policy with
 * Gymnasium's dynamics (Euler steps of 0.02 s; terminated when |x| > 2.4 or |theta| > 12 degrees;
 * truncated at 500 steps; reward 1 per step), and small hand-checkable episodes.
 */
public final class CartPoleLog {

    public static final String ENV = "CartPole-v1";

    private CartPoleLog() {}

    /**
     * Random-policy episodes until at least {@code count} transitions, {@code stepMs} apart from
     * {@code startMs}, acted by {@code policyVersion}.
     */
    public static List<Transition> randomPolicy(
            int count, long startMs, long stepMs, long policyVersion, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Transition> out = new ArrayList<>(count + 500);
        int episode = 0;
        while (out.size() < count) {
            double[] s = new double[4];
            for (int k = 0; k < 4; k++) {
                s[k] = rng.nextDouble(-0.05, 0.05);
            }
            String episodeId = "ep-" + seed + "-" + episode;
            for (int t = 0; ; t++) {
                int action = rng.nextInt(2);
                double[] next = step(s, action);
                boolean terminated =
                        Math.abs(next[0]) > 2.4 || Math.abs(next[2]) > 12 * 2 * Math.PI / 360;
                boolean truncated = !terminated && t + 1 == 500;
                out.add(
                        transition(
                                "actor-" + (episode % 4),
                                episodeId,
                                t,
                                startMs + out.size() * stepMs,
                                s,
                                action,
                                1f,
                                next,
                                terminated,
                                truncated,
                                policyVersion));
                if (terminated || truncated) {
                    break;
                }
                s = next;
            }
            episode++;
        }
        return out;
    }

    /** Gymnasium's CartPole-v1 step (Euler integration). */
    public static double[] step(double[] s, int action) {
        double gravity = 9.8;
        double massPole = 0.1;
        double totalMass = 1.0 + massPole;
        double length = 0.5;
        double poleMassLength = massPole * length;
        double force = action == 1 ? 10.0 : -10.0;
        double tau = 0.02;
        double x = s[0];
        double xDot = s[1];
        double theta = s[2];
        double thetaDot = s[3];
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double temp = (force + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
        double thetaAcc =
                (gravity * sin - cos * temp)
                        / (length * (4.0 / 3.0 - massPole * cos * cos / totalMass));
        double xAcc = temp - poleMassLength * thetaAcc * cos / totalMass;
        return new double[] {
            x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc
        };
    }

    /** One transition with CartPole's shape. */
    public static Transition transition(
            String actor,
            String episode,
            long step,
            long eventTimeMs,
            double[] obs,
            int action,
            float reward,
            double[] nextObs,
            boolean terminated,
            boolean truncated,
            long policyVersion) {
        return Transition.newBuilder()
                .setEnvId(ENV)
                .setActorId(actor)
                .setEpisodeId(episode)
                .setStep(step)
                .setEventTimeMs(eventTimeMs)
                .setObs(floats(obs))
                .setAction(action)
                .setReward(reward)
                .setNextObs(floats(nextObs))
                .setTerminated(terminated)
                .setTruncated(truncated)
                .setBehaviorProb(0.5f)
                .setPolicyVersion(policyVersion)
                .build();
    }

    /**
     * One episode whose observations encode the step ({@code obs[k] = 10 * step + k}, {@code
     * next_obs[k] = 10 * (step + 1) + k}), rewards {@code 1 + step}, actions {@code step % 2}; the
     * last step terminates or truncates as asked.
     */
    public static List<Transition> numbered(
            String actor,
            String episode,
            int length,
            long startMs,
            boolean terminated,
            boolean truncated,
            long policyVersion) {
        List<Transition> out = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            double[] obs = new double[4];
            double[] next = new double[4];
            for (int k = 0; k < 4; k++) {
                obs[k] = 10.0 * t + k;
                next[k] = 10.0 * (t + 1) + k;
            }
            boolean last = t == length - 1;
            out.add(
                    transition(
                            actor,
                            episode,
                            t,
                            startMs + t * 1000L,
                            obs,
                            t % 2,
                            1f + t,
                            next,
                            last && terminated,
                            last && truncated,
                            policyVersion));
        }
        return out;
    }

    private static List<Float> floats(double[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add((float) x);
        }
        return out;
    }

    /**
     * A MinAtar Breakout episode of uint8 images [10, 10, 4]: obs_image of step t is {@link
     * #image}(t), next_obs_image is image(t + 1); rewards 1 + t, terminated at the last step.
     */
    public static List<Transition> breakoutEpisode(
            String env, String episode, int length, long startMs) {
        List<Transition> out = new ArrayList<>();
        for (Transition t : numbered("a0", episode, length, startMs, true, false, 0)) {
            int step = (int) t.getStep();
            t.setEnvId(env);
            t.setObs(List.of());
            t.setNextObs(List.of());
            t.setObsImage(new UInt8Tensor(ByteBuffer.wrap(image(step)), List.of(10, 10, 4)));
            t.setNextObsImage(
                    new UInt8Tensor(ByteBuffer.wrap(image(step + 1)), List.of(10, 10, 4)));
            out.add(t);
        }
        return out;
    }

    /** 400 bytes that encode the step and cover every byte value. */
    public static byte[] image(int step) {
        byte[] out = new byte[400];
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) (step * 31 + k * 7);
        }
        return out;
    }
}
