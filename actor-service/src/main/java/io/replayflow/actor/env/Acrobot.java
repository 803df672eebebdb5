package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Acrobot-v1: swing the tip of a two-link pendulum, actuated at the middle joint, above a line.
 *
 * <p>State {@code [theta1, theta2, theta1_dot, theta2_dot]}; theta1 = 0 hangs straight down and
 * theta2 is relative to link 1. Observation {@code [cos t1, sin t1, cos t2, sin t2, t1_dot,
 * t2_dot]}. Actions {0, 1, 2} apply torque a = {-1, 0, +1} at the joint.
 *
 * <p>Dynamics, "book" variant, with m = 1 (both links), l1 = 1, lc = 0.5, I = 1 (both), g = 9.8:
 *
 * <pre>
 *   d1   = m*lc^2 + m*(l1^2 + lc^2 + 2*l1*lc*cos(t2)) + I + I
 *   d2   = m*(lc^2 + l1*lc*cos(t2)) + I
 *   phi2 = m*lc*g*cos(t1 + t2 - pi/2)
 *   phi1 = -m*l1*lc*t2_dot^2*sin(t2) - 2*m*l1*lc*t2_dot*t1_dot*sin(t2)
 *          + (m*lc + m*l1)*g*cos(t1 - pi/2) + phi2
 *   t2_acc = (a + d2/d1*phi1 - m*l1*lc*t1_dot^2*sin(t2) - phi2) / (m*lc^2 + I - d2^2/d1)
 *   t1_acc = -(d2*t2_acc + phi1) / d1
 * </pre>
 *
 * integrated with one classical Runge-Kutta step over dt = 0.2 s, torque held; then both angles are
 * wrapped into [-pi, pi] and the velocities clipped to |t1_dot| <= 4 pi, |t2_dot| <= 9 pi.
 *
 * <p>Terminated when the tip is above the line: -cos(t1) - cos(t1 + t2) > 1. Reward -1 per step, 0
 * on the terminating step. Reset draws the four variables uniformly from [-0.1, 0.1) and, as
 * Gymnasium does, rounds them to float32. Time limit 500 steps; solved at -100.
 */
public final class Acrobot extends ClassicControlEnv {

    public static final EnvSpec SPEC = EnvSpecs.ACROBOT;

    static final double DT = 0.2;
    static final double LINK_MASS = 1.0;
    static final double LINK_LENGTH = 1.0;
    static final double LINK_COM = 0.5;
    static final double LINK_MOI = 1.0;
    static final double G = 9.8;
    static final double MAX_VEL_1 = 4 * Math.PI;
    static final double MAX_VEL_2 = 9 * Math.PI;
    private static final double[] TORQUES = {-1.0, 0.0, 1.0};

    private static final int THETA1 = 0;
    private static final int THETA2 = 1;
    private static final int DTHETA1 = 2;
    private static final int DTHETA2 = 3;

    // [4] each: the state and the Runge-Kutta scratch space, reused so a step allocates nothing.
    private final double[] state = new double[4];
    private final double[] k1 = new double[4];
    private final double[] k2 = new double[4];
    private final double[] k3 = new double[4];
    private final double[] k4 = new double[4];
    private final double[] probe = new double[4];

    public Acrobot() {
        super(SPEC, List.of("theta1", "theta2", "theta1_dot", "theta2_dot"));
    }

    @Override
    protected void sampleInitialState(RandomGenerator random) {
        for (int i = 0; i < 4; i++) {
            state[i] = (float) random.nextDouble(-0.1, 0.1);
        }
    }

    @Override
    protected void advance(int action) {
        rungeKuttaStep(TORQUES[action]);
        state[THETA1] = wrap(state[THETA1], -Math.PI, Math.PI);
        state[THETA2] = wrap(state[THETA2], -Math.PI, Math.PI);
        state[DTHETA1] = clip(state[DTHETA1], -MAX_VEL_1, MAX_VEL_1);
        state[DTHETA2] = clip(state[DTHETA2], -MAX_VEL_2, MAX_VEL_2);
    }

    /** y += dt/6 * (k1 + 2 k2 + 2 k3 + k4), each k the derivative at Runge-Kutta's probe point. */
    private void rungeKuttaStep(double torque) {
        double half = DT / 2.0;
        derivatives(state, torque, k1);
        for (int i = 0; i < 4; i++) {
            probe[i] = state[i] + half * k1[i];
        }
        derivatives(probe, torque, k2);
        for (int i = 0; i < 4; i++) {
            probe[i] = state[i] + half * k2[i];
        }
        derivatives(probe, torque, k3);
        for (int i = 0; i < 4; i++) {
            probe[i] = state[i] + DT * k3[i];
        }
        derivatives(probe, torque, k4);
        for (int i = 0; i < 4; i++) {
            state[i] = state[i] + DT / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
    }

    /** Writes d/dt of {@code s} into {@code out}: the equations in the class comment. */
    static void derivatives(double[] s, double torque, double[] out) {
        double m = LINK_MASS;
        double l1 = LINK_LENGTH;
        double lc = LINK_COM;
        double inertia = LINK_MOI;
        double theta1 = s[THETA1];
        double theta2 = s[THETA2];
        double dtheta1 = s[DTHETA1];
        double dtheta2 = s[DTHETA2];
        double cos2 = Math.cos(theta2);
        double sin2 = Math.sin(theta2);

        double d1 =
                m * (lc * lc) + m * (l1 * l1 + lc * lc + 2 * l1 * lc * cos2) + inertia + inertia;
        double d2 = m * (lc * lc + l1 * lc * cos2) + inertia;
        double phi2 = m * lc * G * Math.cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 =
                -m * l1 * lc * (dtheta2 * dtheta2) * sin2
                        - 2 * m * l1 * lc * dtheta2 * dtheta1 * sin2
                        + (m * lc + m * l1) * G * Math.cos(theta1 - Math.PI / 2)
                        + phi2;
        double ddtheta2 =
                (torque + d2 / d1 * phi1 - m * l1 * lc * (dtheta1 * dtheta1) * sin2 - phi2)
                        / (m * (lc * lc) + inertia - (d2 * d2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;

        out[THETA1] = dtheta1;
        out[THETA2] = dtheta2;
        out[DTHETA1] = ddtheta1;
        out[DTHETA2] = ddtheta2;
    }

    /** Shifts {@code x} by whole multiples of (max - min) into [min, max]. */
    static double wrap(double x, double min, double max) {
        double range = max - min;
        while (x > max) {
            x -= range;
        }
        while (x < min) {
            x += range;
        }
        return x;
    }

    private static double clip(double x, double min, double max) {
        return Math.min(Math.max(x, min), max);
    }

    @Override
    protected boolean isTerminal() {
        return -Math.cos(state[THETA1]) - Math.cos(state[THETA2] + state[THETA1]) > 1.0;
    }

    @Override
    protected float reward(boolean terminated) {
        return terminated ? 0.0f : -1.0f;
    }

    @Override
    protected void observe(float[] obs, int offset) {
        obs[offset] = (float) Math.cos(state[THETA1]);
        obs[offset + 1] = (float) Math.sin(state[THETA1]);
        obs[offset + 2] = (float) Math.cos(state[THETA2]);
        obs[offset + 3] = (float) Math.sin(state[THETA2]);
        obs[offset + 4] = (float) state[DTHETA1];
        obs[offset + 5] = (float) state[DTHETA2];
    }

    @Override
    protected void loadState(double[] newState) {
        System.arraycopy(newState, 0, state, 0, 4);
    }

    @Override
    protected void saveState(double[] out) {
        System.arraycopy(state, 0, out, 0, 4);
    }
}
