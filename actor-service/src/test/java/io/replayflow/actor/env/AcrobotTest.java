package io.replayflow.actor.env;

import static io.replayflow.actor.env.EnvTestSupport.assertObs;
import static io.replayflow.actor.env.EnvTestSupport.assertState;
import static io.replayflow.actor.env.EnvTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AcrobotTest {
    private final Acrobot env = new Acrobot();
    private final float[] obs = new float[6];

    @Test
    void goldenTrajectoryFollowsTheEquations() {
        env.setState(new double[] {0.0, 0.0, 0.0, 0.0});

        // Step 1, action 2 (torque +1), hanging at rest. The derivative at the start, k1:
        //   cos(t2) = 1, sin(t2) = 0, so every sin(t2) term vanishes;
        //   d1   = 0.25 + (1 + 0.25 + 2 * 0.5 * 1) + 1 + 1 = 4.5
        //   d2   = (0.25 + 0.5 * 1) + 1                   = 1.75
        //   phi2 = 0.5 * 9.8 * cos(0 + 0 - pi/2) = 0,  phi1 = 1.5 * 9.8 * cos(-pi/2) + phi2 = 0
        //   t2_acc = (1 + 0 - 0 - 0) / (0.25 + 1 - 1.75^2 / 4.5) = 1 / 0.5694444 = 1.7560976
        //   t1_acc = -(1.75 * 1.7560976 + 0) / 4.5                         = -0.6829268
        //   k1 = [0, 0, -0.6829268, 1.7560976]
        // k2 at y + 0.1 * k1 = [0, 0, -0.0682927, 0.1756098]: the angles are still 0, so the
        //   accelerations repeat: k2 = [-0.0682927, 0.1756098, -0.6829268, 1.7560976]
        // k3 at y + 0.1 * k2 = [-0.0068293, 0.0175610, -0.0682927, 0.1756098]:
        //   k3 = [-0.0682927, 0.1756098, -0.6235914, 1.6308893]
        // k4 at y + 0.2 * k3 = [-0.0136585, 0.0351220, -0.1247183, 0.3261779]:
        //   k4 = [-0.1247183, 0.3261779, -0.5638923, 1.5049615]
        // y' = y + 0.2 / 6 * (k1 + 2 k2 + 2 k3 + k4):
        //   t1     = 0.0333333 * (0 - 0.1365854 - 0.1365854 - 0.1247183)       = -0.0132630
        //   t2     = 0.0333333 * (0 + 0.3512195 + 0.3512195 + 0.3261779)       =  0.0342872
        //   t1_dot = 0.0333333 * (-0.6829268 - 1.3658537 - 1.2471828 - 0.5638923) = -0.1286619
        //   t2_dot = 0.0333333 * (1.7560976 + 3.5121951 + 3.2617786 + 1.5049615) =  0.3345011
        // No wrap or clip applies; height -cos(t1) - cos(t1 + t2) = -2.0 + ... < 1: reward -1.
        StepResult result = step(env, 2, obs);
        assertState(
                env,
                -0.013262967177227795,
                0.03428722934738544,
                -0.12866185280996106,
                0.33450108998660194);
        // obs = [cos t1, sin t1, cos t2, sin t2, t1_dot, t2_dot]
        assertObs(obs, 0.99991202, -0.01326258, 0.99941224, 0.03428051, -0.12866186, 0.33450109);
        assertThat(result.reward()).isEqualTo(-1.0f);
        assertThat(result.terminated()).isFalse();

        // Steps 2-4 (actions 2, 0, 1): the same equations carried on in double precision.
        step(env, 2, obs);
        assertState(
                env,
                -0.0484896538093726,
                0.12748779480535294,
                -0.2132848732767469,
                0.5754630640496233);
        step(env, 0, obs);
        assertState(
                env,
                -0.06723706338620503,
                0.18553771278886602,
                0.030714304370452555,
                -0.0064477093097422555);
        step(env, 1, obs);
        assertState(
                env,
                -0.04985902565695462,
                0.15938587589964667,
                0.13865703759659068,
                -0.24781201811290368);
    }

    @Test
    void anglesWrapIntoMinusPiToPi() {
        // theta1 = 3.1 turning at 1 rad/s passes pi (about 3.3 after the step) and wraps by
        // -2 pi; theta2 = 3.0986 stays. Height -cos(t1) - cos(t1 + t2) = 0.003 < 1: not terminal.
        env.setState(new double[] {3.1, 3.1, 1.0, 0.0});
        assertThat(step(env, 1, obs).terminated()).isFalse();
        assertState(
                env,
                -2.9792726140346515,
                3.0985606253559235,
                1.082301091204702,
                -0.0668068776994298);

        // theta2 = 3.1 turning at 2 rad/s wraps to about -2.776.
        env.setState(new double[] {0.0, 3.1, 0.0, 2.0});
        step(env, 1, obs);
        assertState(
                env,
                -0.00010711011620597514,
                -2.776004269215277,
                -0.0035504404406564334,
                2.1261409370617907);

        assertThat(Acrobot.wrap(-3.5, -Math.PI, Math.PI))
                .isCloseTo(-3.5 + 2 * Math.PI, within(1e-15));
        assertThat(Acrobot.wrap(7.0, -Math.PI, Math.PI))
                .isCloseTo(7.0 - 2 * Math.PI, within(1e-15));
        assertThat(Acrobot.wrap(Math.PI, -Math.PI, Math.PI)).isEqualTo(Math.PI);
    }

    @Test
    void velocitiesAreClippedTo4PiAnd9Pi() {
        // From t1_dot = 20 > 4 pi and t2_dot = -40 < -9 pi, both stay out of range after the
        // Runge-Kutta step, so they end exactly at the limits.
        env.setState(new double[] {0.0, 0.0, 20.0, -40.0});
        step(env, 1, obs);
        assertState(env, -1.1107822510384695, 1.7194039945148774, 4 * Math.PI, -9 * Math.PI);
        assertThat(obs[4]).isEqualTo((float) (4 * Math.PI));
        assertThat(obs[5]).isEqualTo((float) (-9 * Math.PI));
    }

    @Test
    void terminatingStepRewardsZero() {
        // Height -cos(2) - cos(2) = 0.832 < 1 before; after the step t1 = 2.294, t2 = 0.082:
        // -cos(2.294) - cos(2.376) = 0.662 + 0.721 = 1.383 > 1, so the step terminates, reward 0.
        env.setState(new double[] {2.0, 0.0, 2.0, 0.0});
        StepResult result = step(env, 1, obs);
        assertState(
                env,
                2.2941703701000877,
                0.08166936473933946,
                0.9760319068457508,
                0.7958446950004923);
        assertThat(result.terminated()).isTrue();
        assertThat(result.reward()).isEqualTo(0.0f);

        assertThatThrownBy(() -> step(env, 1, obs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Acrobot-v1: step() called after the episode terminated");
    }

    @Test
    void nonTerminalStepsRewardMinusOne() {
        env.setState(new double[] {1.0, 0.0, 0.0, 0.0});
        StepResult result = step(env, 1, obs);
        assertThat(result.reward()).isEqualTo(-1.0f);
        assertThat(result.terminated()).isFalse();
    }

    @Test
    void resetDrawsFromPlusMinus01RoundedToFloat32() {
        int episodes = 20_000;
        double[] min = {1, 1, 1, 1};
        double[] max = {-1, -1, -1, -1};
        for (long seed = 0; seed < episodes; seed++) {
            env.reset(seed, obs, 0);
            double[] state = env.state();
            for (int i = 0; i < 4; i++) {
                assertThat(state[i]).as("float32-exact").isEqualTo((double) (float) state[i]);
                min[i] = Math.min(min[i], state[i]);
                max[i] = Math.max(max[i], state[i]);
            }
            assertThat(obs[4]).isEqualTo((float) state[2]);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(min[i]).isGreaterThanOrEqualTo((float) -0.1).isLessThan(-0.099);
            assertThat(max[i]).isLessThanOrEqualTo((float) 0.1).isGreaterThan(0.099);
        }
    }

    @Test
    void rejectsAStateOfTheWrongLength() {
        assertThatThrownBy(() -> env.setState(new double[] {0.0, 0.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Acrobot-v1 state needs 4 values [theta1, theta2, theta1_dot,"
                                + " theta2_dot]; got 2 [0.0, 0.0]");
    }
}
