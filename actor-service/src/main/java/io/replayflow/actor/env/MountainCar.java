package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * MountainCar-v0: drive an underpowered car out of a valley by rocking back and forth.
 *
 * <p>State and observation {@code [position, velocity]}. Actions: 0 accelerates left, 1 does
 * nothing, 2 accelerates right. One step, in this order:
 *
 * <pre>
 *   velocity += (action - 1) * 0.001 - 0.0025 * cos(3 * position)
 *   velocity  = clip(velocity, -0.07, 0.07)
 *   position += velocity
 *   position  = clip(position, -1.2, 0.6)
 *   if position == -1.2 and velocity &lt; 0: velocity = 0     (inelastic left wall)
 * </pre>
 *
 * Terminated when position >= 0.5 and velocity >= 0. Reward -1 on every step. Reset draws the
 * position uniformly from [-0.6, -0.4) with velocity 0. Time limit 200 steps; solved at -110.
 */
public final class MountainCar extends ClassicControlEnv {

    public static final EnvSpec SPEC = EnvSpecs.MOUNTAIN_CAR;

    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.5;
    static final double GOAL_VELOCITY = 0.0;
    static final double FORCE = 0.001;
    static final double GRAVITY = 0.0025;

    private double position;
    private double velocity;

    public MountainCar() {
        super(SPEC, List.of("position", "velocity"));
    }

    @Override
    protected void sampleInitialState(RandomGenerator random) {
        position = random.nextDouble(-0.6, -0.4);
        velocity = 0.0;
    }

    @Override
    protected void advance(int action) {
        velocity += (action - 1) * FORCE + Math.cos(3 * position) * (-GRAVITY);
        velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
        position += velocity;
        position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
        if (position == MIN_POSITION && velocity < 0) {
            velocity = 0.0;
        }
    }

    @Override
    protected boolean isTerminal() {
        return position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
    }

    @Override
    protected float reward(boolean terminated) {
        return -1.0f;
    }

    @Override
    protected void observe(float[] obs, int offset) {
        obs[offset] = (float) position;
        obs[offset + 1] = (float) velocity;
    }

    @Override
    protected void loadState(double[] state) {
        position = state[0];
        velocity = state[1];
    }

    @Override
    protected void saveState(double[] out) {
        out[0] = position;
        out[1] = velocity;
    }
}
