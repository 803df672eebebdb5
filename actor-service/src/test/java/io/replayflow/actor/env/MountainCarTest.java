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
class MountainCarTest {
    private final MountainCar env = new MountainCar();
    private final float[] obs = new float[2];

    @Test
    void goldenTrajectoryFollowsTheEquations() {
        env.setState(new double[] {-0.5, 0.0});

        // Step 1, action 2 (push right), cos(3 * -0.5) = cos(-1.5) = 0.0707372:
        //   velocity = 0 + (2 - 1) * 0.001 - 0.0025 * 0.0707372 = 0.001 - 0.00017684 = 0.00082316
        //   (inside +-0.07, no clip)
        //   position = -0.5 + 0.00082316 = -0.49917684  (inside [-1.2, 0.6], no clip)
        StepResult result = step(env, 2, obs);
        assertState(env, -0.49917684300416926, 0.0008231569958307428);
        assertObs(obs, -0.49917684, 0.00082316);
        assertThat(result.reward()).isEqualTo(-1.0f);
        assertThat(result.terminated()).isFalse();

        // Steps 2-5 (actions 2, 0, 1, 2): the same update carried on in double precision.
        step(env, 2, obs);
        assertState(env, -0.49753668667935325, 0.0016401563248160246);
        step(env, 0, obs);
        assertState(env, -0.4970917969323474, 0.00044488974700586273);
        step(env, 1, obs);
        assertState(env, -0.49684550006784745, 0.0002462968644999427);
        step(env, 2, obs);
        assertState(env, -0.4957996374204934, 0.0010458626473540712);
    }

    @Test
    void leftWallStopsTheCar() {
        // velocity = -0.02 - 0.001 - 0.0025 * cos(-3.57) = -0.021 + 0.0025 * 0.9096285
        //          = -0.0187259; position = -1.19 - 0.0187259 = -1.2087 -> clipped to -1.2,
        // and because the car hit the wall moving left, velocity = 0.
        env.setState(new double[] {-1.19, -0.02});
        StepResult result = step(env, 0, obs);
        assertState(env, -1.2, 0.0);
        assertObs(obs, -1.2, 0.0);
        assertThat(result.terminated()).isFalse();
    }

    @Test
    void velocityIsClippedTo007() {
        // cos(3 * -0.5236) = -3.7e-6, so velocity = 0.0699 + 0.001 + 9e-9 = 0.0709 -> 0.07;
        // position = -0.5236 + 0.07 = -0.4536.
        env.setState(new double[] {-0.5236, 0.0699});
        step(env, 2, obs);
        assertState(env, -0.4536, 0.07);

        env.setState(new double[] {-0.5236, -0.0699});
        step(env, 0, obs);
        assertState(env, -0.5936, -0.07);
    }

    @Test
    void terminatesAtTheGoalMovingRight() {
        // velocity = 0.02 - 0.0025 * cos(1.47) = 0.02 - 0.0025 * 0.1006257 = 0.0197484;
        // position = 0.49 + 0.0197484 = 0.5097484 >= 0.5 and velocity >= 0: terminated.
        env.setState(new double[] {0.49, 0.02});
        StepResult result = step(env, 1, obs);
        assertState(env, 0.5097484356665327, 0.01974843566653267);
        assertThat(result.terminated()).isTrue();
        assertThat(result.reward()).as("reward on the terminating step").isEqualTo(-1.0f);

        // The right edge clips the position to 0.6, which is still the goal.
        env.setState(new double[] {0.59, 0.07});
        assertThat(step(env, 2, obs).terminated()).isTrue();
        assertObs(obs, 0.6, 0.07);
    }

    @Test
    void pastTheGoalButRollingBackIsNotTerminal() {
        // position = 0.52 - 0.0010270 = 0.5189730 >= 0.5, but velocity -0.0010270 < 0.
        env.setState(new double[] {0.52, -0.001});
        StepResult result = step(env, 1, obs);
        assertState(env, 0.5189730097073544, -0.0010269902926456685);
        assertThat(result.terminated()).isFalse();
    }

    @Test
    void rejectsActionThree() {
        env.reset(3L, obs, 0);
        assertThatThrownBy(() -> step(env, 3, obs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "action 3 is out of range for MountainCar-v0: valid actions are 0 to 2");
    }

    @Test
    void resetDrawsPositionFromMinus06ToMinus04AtRest() {
        int episodes = 20_000;
        double min = 0;
        double max = -1;
        double sum = 0;
        for (long seed = 0; seed < episodes; seed++) {
            env.reset(seed, obs, 0);
            double[] state = env.state();
            assertThat(state[1]).isZero();
            min = Math.min(min, state[0]);
            max = Math.max(max, state[0]);
            sum += state[0];
        }
        assertThat(min).isGreaterThanOrEqualTo(-0.6).isLessThan(-0.599);
        assertThat(max).isLessThan(-0.4).isGreaterThan(-0.401);
        // Uniform on [-0.6, -0.4): sd 0.0577, so the mean of 20k draws has sd 0.0004.
        assertThat(sum / episodes).isCloseTo(-0.5, within(0.002));
    }

    @Test
    void seededResetIsReproducible() {
        assertThat(new MountainCar().reset(9L)).containsExactly(new MountainCar().reset(9L));
        assertThat(new MountainCar().reset(9L)).isNotEqualTo(new MountainCar().reset(10L));
    }
}
