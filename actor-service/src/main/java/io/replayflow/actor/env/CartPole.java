package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * CartPole-v1: balance a pole hinged on a cart by pushing the cart left or right.
 *
 * <p>State and observation {@code [x, x_dot, theta, theta_dot]} (metres, m/s, radians, rad/s; theta
 * = 0 is upright). Actions: 0 pushes left with F = -10 N, 1 pushes right with F = +10 N. With c =
 * cos(theta), s = sin(theta), total mass 1.1 and pole mass x half length = 0.05:
 *
 * <pre>
 *   temp      = (F + 0.05 * theta_dot^2 * s) / 1.1
 *   theta_acc = (9.8 * s - c * temp) / (0.5 * (4/3 - 0.1 * c^2 / 1.1))
 *   x_acc     = temp - 0.05 * theta_acc * c / 1.1
 * </pre>
 *
 * then one explicit Euler step of tau = 0.02 s, positions first with the old velocities:
 *
 * <pre>
 *   x += tau * x_dot;  x_dot += tau * x_acc;  theta += tau * theta_dot;  theta_dot += tau * theta_acc
 * </pre>
 *
 * Terminated when |x| > 2.4 or |theta| > 12 degrees (0.20944 rad) after the update. Reward +1 on
 * every step, the terminating one included. Reset draws all four variables uniformly from [-0.05,
 * 0.05). Time limit 500 steps; solved at an average return of 475.
 *
 * <p>{@link #masked()} is {@code CartPole-v1-masked}: the same system observed through {@code [x,
 * theta]} only (components 0 and 2), a partially observed task for recurrent policies. Its state
 * (for {@link #setState}) is still all four variables.
 */
public final class CartPole extends ClassicControlEnv {

    public static final EnvSpec SPEC = EnvSpecs.CART_POLE;

    /** The spec of {@link #masked()}. */
    public static final EnvSpec MASKED_SPEC = EnvSpecs.CART_POLE_MASKED;

    static final double GRAVITY = 9.8;
    static final double CART_MASS = 1.0;
    static final double POLE_MASS = 0.1;
    static final double TOTAL_MASS = POLE_MASS + CART_MASS;
    static final double HALF_POLE_LENGTH = 0.5;
    static final double POLE_MASS_LENGTH = POLE_MASS * HALF_POLE_LENGTH;
    static final double FORCE = 10.0;
    static final double TAU = 0.02;
    static final double X_THRESHOLD = 2.4;
    static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
    static final double RESET_BOUND = 0.05;

    private double x;
    private double xDot;
    private double theta;
    private double thetaDot;
    private final boolean masked; // observe [x, theta] only

    /** CartPole-v1, observed through all four state variables. */
    public CartPole() {
        this(SPEC, false);
    }

    private CartPole(EnvSpec spec, boolean masked) {
        super(spec, List.of("x", "x_dot", "theta", "theta_dot"));
        this.masked = masked;
    }

    /** CartPole-v1-masked: CartPole-v1's dynamics observed through {@code [x, theta]}. */
    public static CartPole masked() {
        return new CartPole(MASKED_SPEC, true);
    }

    @Override
    protected void sampleInitialState(RandomGenerator random) {
        x = random.nextDouble(-RESET_BOUND, RESET_BOUND);
        xDot = random.nextDouble(-RESET_BOUND, RESET_BOUND);
        theta = random.nextDouble(-RESET_BOUND, RESET_BOUND);
        thetaDot = random.nextDouble(-RESET_BOUND, RESET_BOUND);
    }

    @Override
    protected void advance(int action) {
        // The operation order follows Gymnasium's so results agree to the last bit where the
        // platform's sin and cos do.
        double force = action == 1 ? FORCE : -FORCE;
        double c = Math.cos(theta);
        double s = Math.sin(theta);
        double temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * s) / TOTAL_MASS;
        double thetaAcc =
                (GRAVITY * s - c * temp)
                        / (HALF_POLE_LENGTH * (4.0 / 3.0 - POLE_MASS * (c * c) / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * c / TOTAL_MASS;

        x = x + TAU * xDot;
        xDot = xDot + TAU * xAcc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaAcc;
    }

    @Override
    protected boolean isTerminal() {
        return x < -X_THRESHOLD
                || x > X_THRESHOLD
                || theta < -THETA_THRESHOLD
                || theta > THETA_THRESHOLD;
    }

    @Override
    protected float reward(boolean terminated) {
        return 1.0f;
    }

    @Override
    protected void observe(float[] obs, int offset) {
        if (masked) {
            obs[offset] = (float) x;
            obs[offset + 1] = (float) theta;
            return;
        }
        obs[offset] = (float) x;
        obs[offset + 1] = (float) xDot;
        obs[offset + 2] = (float) theta;
        obs[offset + 3] = (float) thetaDot;
    }

    @Override
    protected void loadState(double[] state) {
        x = state[0];
        xDot = state[1];
        theta = state[2];
        thetaDot = state[3];
    }

    @Override
    protected void saveState(double[] out) {
        out[0] = x;
        out[1] = xDot;
        out[2] = theta;
        out[3] = thetaDot;
    }
}
