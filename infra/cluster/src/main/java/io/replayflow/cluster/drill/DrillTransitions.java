package io.replayflow.cluster.drill;

import io.replayflow.schemas.avro.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Valid CartPole-shaped transitions (4 floats, 2 actions) from {@code actors} interleaved actors,
 * every identity unique within a run: actor {@code <run>-a<k>}, episode {@code <run>-a<k>-e<m>},
 * episodes of 5 to 60 steps. Deterministic for a run id and seed. Not thread-safe.
 */
final class DrillTransitions {

    private final String run;
    private final SplittableRandom random;
    private final long[] step;
    private final int[] episode;
    private final int[] length;
    private int next;

    DrillTransitions(String run, int actors, long seed) {
        this.run = run;
        this.random = new SplittableRandom(seed);
        this.step = new long[actors];
        this.episode = new int[actors];
        this.length = new int[actors];
        for (int k = 0; k < actors; k++) {
            length[k] = newLength();
        }
    }

    /** The identity string of a transition: {@code actor/episode/step}. */
    static String identity(CharSequence actor, CharSequence episode, long step) {
        return actor + "/" + episode + "/" + step;
    }

    /** The next transition, round-robin over the actors. */
    Transition next() {
        int k = next;
        next = (next + 1) % step.length;
        String actor = run + "-a" + k;
        boolean last = step[k] == length[k] - 1;
        Transition t =
                Transition.newBuilder()
                        .setEnvId("CartPole-v1")
                        .setActorId(actor)
                        .setEpisodeId(actor + "-e" + episode[k])
                        .setStep(step[k])
                        .setEventTimeMs(System.currentTimeMillis())
                        .setObs(observation())
                        .setNextObs(observation())
                        .setAction(random.nextInt(2))
                        .setReward(1.0f)
                        .setTerminated(last)
                        .setTruncated(false)
                        .setBehaviorProb(0.5f)
                        .setPolicyVersion(0L)
                        .build();
        step[k]++;
        if (last) {
            step[k] = 0;
            episode[k]++;
            length[k] = newLength();
        }
        return t;
    }

    private int newLength() {
        return 5 + random.nextInt(56);
    }

    private List<Float> observation() {
        List<Float> obs = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            obs.add((float) (random.nextDouble() * 0.2 - 0.1));
        }
        return obs;
    }
}
