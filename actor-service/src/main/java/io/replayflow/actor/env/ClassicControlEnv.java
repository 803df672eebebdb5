package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The life cycle shared by the built-in classic-control environments; subclasses supply only the
 * physics.
 *
 * <p>This class checks actions, refuses to step before a reset or after termination, seeds the
 * initial-state draw and implements state setting. Subclasses keep their state in double precision
 * and implement the physics hooks below.
 *
 * <p>Seeding: {@link #reset(long, float[], int)} draws the initial state from a {@link
 * RandomGenerator} (SplitMix64) seeded with the given seed. The numbers are reproducible run to run
 * but differ from numpy's generator, so Gymnasium and ReplayFlow start different episodes from the
 * same seed; compare the dynamics with {@link #setState} rollouts instead. Neither reset nor step
 * allocates.
 */
abstract class ClassicControlEnv implements StatefulEnvironment {

    private enum Phase {
        NOT_STARTED,
        RUNNING,
        TERMINATED
    }

    private final EnvSpec spec;
    private final List<String> stateNames;
    private final SplitMix64 random = new SplitMix64();
    private Phase phase = Phase.NOT_STARTED;

    ClassicControlEnv(EnvSpec spec, List<String> stateNames) {
        this.spec = spec;
        this.stateNames = List.copyOf(stateNames);
    }

    /** Draws the initial state of an episode. */
    protected abstract void sampleInitialState(RandomGenerator random);

    /** Applies one (already validated) action to the state: the equations of motion. */
    protected abstract void advance(int action);

    /** Whether the current state is terminal. */
    protected abstract boolean isTerminal();

    /** The reward of the step that just led to the current state. */
    protected abstract float reward(boolean terminated);

    /** Writes the float32 observation of the current state into {@code obs[offset..]}. */
    protected abstract void observe(float[] obs, int offset);

    /** Replaces the state with {@code state}, which has already been checked. */
    protected abstract void loadState(double[] state);

    /** Copies the state into {@code out}, which has {@code stateNames().size()} elements. */
    protected abstract void saveState(double[] out);

    @Override
    public final EnvSpec spec() {
        return spec;
    }

    @Override
    public final List<String> stateNames() {
        return stateNames;
    }

    @Override
    public final void reset(long seed, float[] obs, int offset) {
        random.reseed(seed);
        sampleInitialState(random);
        phase = Phase.RUNNING;
        observe(obs, offset);
    }

    @Override
    public final void step(int action, float[] nextObs, int offset, StepResult result) {
        spec.requireValidAction(action);
        requireRunning();
        advance(action);
        boolean terminated = isTerminal();
        observe(nextObs, offset);
        result.set(reward(terminated), terminated);
        if (terminated) {
            phase = Phase.TERMINATED;
        }
    }

    @Override
    public final void setState(double[] state) {
        if (state == null || state.length != stateNames.size()) {
            throw new IllegalArgumentException(
                    spec.id()
                            + " state needs "
                            + stateNames.size()
                            + " values "
                            + stateNames
                            + "; got "
                            + (state == null
                                    ? "null"
                                    : state.length + " " + Arrays.toString(state)));
        }
        for (int i = 0; i < state.length; i++) {
            if (!Double.isFinite(state[i])) {
                throw new IllegalArgumentException(
                        spec.id()
                                + " state value "
                                + stateNames.get(i)
                                + " must be finite; got "
                                + state[i]);
            }
        }
        loadState(state);
        phase = Phase.RUNNING;
    }

    @Override
    public final double[] state() {
        double[] out = new double[stateNames.size()];
        saveState(out);
        return out;
    }

    private void requireRunning() {
        if (phase == Phase.NOT_STARTED) {
            throw new IllegalStateException(
                    spec.id()
                            + ": step() called before the first reset(); call reset(seed) or"
                            + " setState(state) to start an episode");
        }
        if (phase == Phase.TERMINATED) {
            throw new IllegalStateException(
                    spec.id()
                            + ": step() called after the episode terminated; call reset(seed) or"
                            + " setState(state) to start a new episode");
        }
    }
}
