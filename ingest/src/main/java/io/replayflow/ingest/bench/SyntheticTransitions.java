package io.replayflow.ingest.bench;

import io.replayflow.schemas.avro.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * CartPole-sized transitions (4-float observations, 2 actions) from a fleet of actors whose
 * episodes interleave the way a vectorized actor fleet's do. Deterministic for a given generator
 * seed. Not thread-safe.
 */
public final class SyntheticTransitions {

    private final RandomGenerator random;
    private final List<Actor> actors = new ArrayList<>();
    private final int meanEpisodeLength;
    private final long startMs;
    private long emitted;
    private int next;

    private static final class Actor {
        final String id;
        int episode;
        long step;
        long length;
        float[] obs = new float[4];

        Actor(String id) {
            this.id = id;
        }
    }

    /**
     * @param actors how many actors interleave
     * @param meanEpisodeLength episodes last 1 to {@code 2 * mean - 1} steps, uniformly
     * @param startMs event time of the first transition; each next one is 1 ms later
     */
    public SyntheticTransitions(
            RandomGenerator random, int actors, int meanEpisodeLength, long startMs) {
        this.random = random;
        this.meanEpisodeLength = meanEpisodeLength;
        this.startMs = startMs;
        for (int i = 0; i < actors; i++) {
            Actor actor = new Actor("bench-actor-" + i);
            startEpisode(actor);
            this.actors.add(actor);
        }
    }

    /** The next transition, round-robin over the actors. */
    public Transition next() {
        Actor actor = actors.get(next);
        next = (next + 1) % actors.size();
        float[] nextObs = new float[4];
        for (int i = 0; i < 4; i++) {
            nextObs[i] = actor.obs[i] + (float) random.nextGaussian() * 0.05f;
        }
        boolean terminal = actor.step == actor.length - 1;
        Transition t =
                Transition.newBuilder()
                        .setEnvId("CartPole-v1")
                        .setActorId(actor.id)
                        .setEpisodeId(actor.id + "-ep-" + actor.episode)
                        .setStep(actor.step)
                        .setEventTimeMs(startMs + emitted++)
                        .setObs(floats(actor.obs))
                        .setAction(random.nextInt(2))
                        .setReward(1.0f)
                        .setNextObs(floats(nextObs))
                        .setTerminated(terminal)
                        .setTruncated(false)
                        .setBehaviorProb(0.5f)
                        .setPolicyVersion(actor.episode / 10)
                        .build();
        actor.obs = nextObs;
        actor.step++;
        if (terminal) {
            actor.episode++;
            startEpisode(actor);
        }
        return t;
    }

    private void startEpisode(Actor actor) {
        actor.step = 0;
        actor.length = 1 + random.nextInt(2 * meanEpisodeLength - 1);
        for (int i = 0; i < 4; i++) {
            actor.obs[i] = (float) (random.nextDouble() * 0.1 - 0.05);
        }
    }

    private static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }
}
