package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A user-style environment for tests: observation {@code [steps taken, resets so far]}, reward =
 * steps taken, terminated once {@code terminateAt} steps have been taken (never if 0). Records
 * every reset seed. Like a careless user environment, it does no life-cycle checks of its own.
 */
final class CountingEnv implements Environment {
    private final EnvSpec spec;
    private final int terminateAt;
    final List<Long> seeds = new ArrayList<>();
    private int steps;

    CountingEnv(int maxEpisodeSteps, int terminateAt) {
        this.spec = new EnvSpec("Counting-v0", List.of(2), 2, maxEpisodeSteps, 0.0);
        this.terminateAt = terminateAt;
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    @Override
    public void reset(long seed, float[] obs, int offset) {
        seeds.add(seed);
        steps = 0;
        obs[offset] = 0;
        obs[offset + 1] = seeds.size();
    }

    @Override
    public void step(int action, float[] nextObs, int offset, StepResult result) {
        spec.requireValidAction(action);
        steps++;
        nextObs[offset] = steps;
        nextObs[offset + 1] = seeds.size();
        result.set(steps, steps == terminateAt);
    }
}
