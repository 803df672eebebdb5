package io.replayflow.actor.env;

import static io.replayflow.actor.env.EnvTestSupport.assertObs;
import static io.replayflow.actor.env.EnvTestSupport.assertState;
import static io.replayflow.actor.env.EnvTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CartPoleTest {
    private final CartPole env = new CartPole();
    private final float[] obs = new float[4];

    @Test
    void goldenTrajectoryFollowsTheEquations() {
        env.setState(new double[] {0.01, -0.02, 0.03, 0.04});

        // Step 1, action 1 (F = +10), c = cos(0.03) = 0.99955003, s = sin(0.03) = 0.02999550:
        //   temp      = (10 + 0.05 * 0.04^2 * 0.0299955) / 1.1 = 10.0000024 / 1.1 = 9.0909113
        //   theta_acc = (9.8 * 0.0299955 - 0.99955003 * 9.0909113)
        //               / (0.5 * (4/3 - 0.1 * 0.99955003^2 / 1.1))
        //             = (0.2939559 - 9.0868207) / (0.5 * (1.3333333 - 0.0908273))
        //             = -8.7928648 / 0.6212530 = -14.1534359
        //   x_acc     = 9.0909113 - 0.05 * (-14.1534359) * 0.99955003 / 1.1
        //             = 9.0909113 + 0.6430485 = 9.7339598
        //   x         = 0.01 + 0.02 * (-0.02)        = 0.0096
        //   x_dot     = -0.02 + 0.02 * 9.7339598     = 0.1746792
        //   theta     = 0.03 + 0.02 * 0.04           = 0.0308
        //   theta_dot = 0.04 + 0.02 * (-14.1534359)  = -0.2430687
        StepResult result = step(env, 1, obs);
        assertState(env, 0.0096, 0.17467919574755525, 0.0308, -0.2430687179600081);
        assertObs(obs, 0.0096, 0.1746792, 0.0308, -0.2430687);
        assertThat(result.reward()).isEqualTo(1.0f);
        assertThat(result.terminated()).isFalse();

        // Steps 2-5 (actions 0, 0, 1, 1): the same equations carried on in double precision.
        step(env, 0, obs);
        assertState(
                env,
                0.013093583914951107,
                -0.020868848948191993,
                0.025938625640799837,
                0.0591679999394166);
        step(env, 0, obs);
        assertState(
                env,
                0.012676206935987267,
                -0.21635292104612766,
                0.02712198563958817,
                0.3599205713784138);
        step(env, 1, obs);
        assertState(
                env,
                0.008349148515064714,
                -0.021626799199488206,
                0.03432039706715644,
                0.0759116989474441);
        step(env, 1, obs);
        assertState(
                env,
                0.00791661253107495,
                0.17298676004769037,
                0.035838631046105324,
                -0.20574851582677406);
        assertObs(
                obs,
                0.00791661253107495,
                0.17298676004769037,
                0.035838631046105324,
                -0.20574851582677406);
    }

    @Test
    void terminatesOnceThePoleLeansPast12Degrees() {
        // 12 degrees = 12 * 2 * pi / 360 = 0.20943951 rad, checked after the update:
        // theta = 0.2094 + 0.02 * 0.0019 = 0.209438 stays; 0.2094 + 0.02 * 0.002 = 0.20944 ends.
        env.setState(new double[] {0.0, 0.0, 0.2094, 0.0019});
        assertThat(step(env, 1, obs).terminated()).isFalse();

        env.setState(new double[] {0.0, 0.0, 0.2094, 0.002});
        StepResult result = step(env, 1, obs);
        assertThat(result.terminated()).isTrue();
        assertThat(result.reward()).as("reward on the terminating step").isEqualTo(1.0f);
        assertThat(obs[2]).isCloseTo(0.20944f, within(1e-7f));

        // Mirror image: theta = -0.2 + 0.02 * (-0.5) = -0.21 < -0.20944.
        env.setState(new double[] {0.0, 0.0, -0.2, -0.5});
        assertThat(step(env, 0, obs).terminated()).isTrue();
        assertState(env, 0.0, -0.1918240025983404, -0.21, -0.2764083425922006);
    }

    @Test
    void terminatesOnceTheCartLeavesTheTrack() {
        // x = 2.39 + 0.02 * 0.4 = 2.398 stays inside; 2.39 + 0.02 * 1.0 = 2.41 > 2.4 ends.
        env.setState(new double[] {2.39, 0.4, 0.0, 0.0});
        assertThat(step(env, 1, obs).terminated()).isFalse();

        env.setState(new double[] {2.39, 1.0, 0.0, 0.0});
        assertThat(step(env, 1, obs).terminated()).isTrue();
        // From theta = 0: temp = 10 / 1.1 = 9.0909091, theta_acc = -9.0909091 / 0.6212121
        // = -14.6341463, x_acc = 9.0909091 + 0.05 * 14.6341463 / 1.1 = 9.7560976.
        assertState(env, 2.41, 1.0 + 0.02 * 9.7560975609756, 0.0, 0.02 * -14.634146341463415);

        env.setState(new double[] {-2.39, -1.0, 0.0, 0.0});
        assertThat(step(env, 0, obs).terminated()).isTrue();
        assertThat(obs[0]).isCloseTo(-2.41f, within(1e-6f));
    }

    @Test
    void refusesToStepAfterTerminationUntilReset() {
        env.setState(new double[] {2.39, 1.0, 0.0, 0.0});
        step(env, 1, obs);

        assertThatThrownBy(() -> step(env, 1, obs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "CartPole-v1: step() called after the episode terminated; call"
                                + " reset(seed) or setState(state) to start a new episode");

        env.reset(1L, obs, 0);
        assertThat(step(env, 1, obs).terminated()).isFalse();
    }

    @Test
    void refusesToStepBeforeTheFirstReset() {
        assertThatThrownBy(() -> step(new CartPole(), 0, obs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("step() called before the first reset()");
    }

    @Test
    void rejectsActionsOutsideZeroToOne() {
        env.reset(0L, obs, 0);
        assertThatThrownBy(() -> step(env, 2, obs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("action 2 is out of range for CartPole-v1: valid actions are 0 to 1");
        assertThatThrownBy(() -> step(env, -1, obs))
                .hasMessageContaining("action -1 is out of range");
    }

    @Test
    void rejectsAStateOfTheWrongLength() {
        assertThatThrownBy(() -> env.setState(new double[] {0.0, 0.1, 0.2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "CartPole-v1 state needs 4 values [x, x_dot, theta, theta_dot]; got 3"
                                + " [0.0, 0.1, 0.2]");
        assertThatThrownBy(() -> env.setState(new double[] {0.0, Double.NaN, 0.0, 0.0}))
                .hasMessage("CartPole-v1 state value x_dot must be finite; got NaN");
    }

    @Test
    void seededResetIsReproducible() {
        float[] first = new CartPole().reset(42L);
        float[] again = new CartPole().reset(42L);
        float[] other = new CartPole().reset(43L);

        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void resetDrawsEveryVariableUniformlyFromPlusMinus005() {
        int episodes = 20_000;
        double[] min = {1, 1, 1, 1};
        double[] max = {-1, -1, -1, -1};
        double[] sum = new double[4];
        for (long seed = 0; seed < episodes; seed++) {
            env.reset(seed, obs, 0);
            double[] state = env.state();
            for (int i = 0; i < 4; i++) {
                min[i] = Math.min(min[i], state[i]);
                max[i] = Math.max(max[i], state[i]);
                sum[i] += state[i];
            }
        }
        for (int i = 0; i < 4; i++) {
            assertThat(min[i]).isGreaterThanOrEqualTo(-0.05).isLessThan(-0.0495);
            assertThat(max[i]).isLessThan(0.05).isGreaterThan(0.0495);
            // Uniform on [-0.05, 0.05): sd 0.0289, so the mean of 20k draws has sd 0.0002.
            assertThat(sum[i] / episodes).isCloseTo(0.0, within(0.001));
        }
    }

    @Test
    void uniformlyRandomPolicyAveragesAbout22() {
        TimeLimit limited = new TimeLimit(env);
        SplittableRandom policy = new SplittableRandom(7);
        StepResult result = new StepResult();
        int episodes = 2000;
        double totalReturn = 0;
        for (int episode = 0; episode < episodes; episode++) {
            limited.reset(episode, obs, 0);
            do {
                limited.step(policy.nextInt(2), obs, 0, result);
                totalReturn += result.reward();
            } while (!result.ended());
        }
        assertThat(totalReturn / episodes).isBetween(18.0, 26.0);
    }
}
