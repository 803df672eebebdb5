package io.replayflow.actor.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EnvRolloutTest {
    private final EnvRollout rollout = new EnvRollout(EnvRegistry.withBuiltIns());

    @Test
    void printsOneCompactJsonLinePerStep() {
        // The first line is CartPoleTest's hand-computed step, rounded to float32.
        List<String> lines =
                rollout.run(
                        "CartPole-v1", new double[] {0.01, -0.02, 0.03, 0.04}, new int[] {1, 0});

        assertThat(lines)
                .containsExactly(
                        "{\"obs\":[0.0096,0.17467919,0.0308,-0.24306872],\"reward\":1.0,"
                                + "\"terminated\":false,\"truncated\":false}",
                        "{\"obs\":[0.013093584,-0.020868849,0.025938626,0.059168],\"reward\":1.0,"
                                + "\"terminated\":false,\"truncated\":false}");
    }

    @Test
    void stopsAtTheTerminatingStep() {
        List<String> lines =
                rollout.run("CartPole-v1", new double[] {2.39, 1.0, 0.0, 0.0}, new int[] {1, 1, 1});

        assertThat(lines)
                .containsExactly(
                        "{\"obs\":[2.41,1.195122,0.0,-0.29268292],\"reward\":1.0,"
                                + "\"terminated\":true,\"truncated\":false}");
    }

    @Test
    void reportsAcrobotsZeroRewardOnTermination() {
        assertThat(rollout.run("Acrobot-v1", new double[] {2.0, 0.0, 2.0, 0.0}, new int[] {1, 1}))
                .containsExactly(
                        "{\"obs\":[-0.66191757,0.7495767,0.9966669,0.081578605,0.9760319,0.7958447],"
                            + "\"reward\":0.0,\"terminated\":true,\"truncated\":false}");
    }

    @Test
    void runsUnderTheTimeLimit() {
        // Coasting from the valley floor never reaches the goal; the 200-step limit cuts it.
        int[] coast = new int[300];
        Arrays.fill(coast, 1);
        List<String> lines = rollout.run("MountainCar-v0", new double[] {-0.5, 0.0}, coast);

        assertThat(lines).hasSize(200);
        // velocity = 0 - 0.0025 * cos(-1.5) = -0.00017684, position = -0.50017684.
        assertThat(lines.get(0))
                .isEqualTo(
                        "{\"obs\":[-0.50017685,-1.7684301E-4],\"reward\":-1.0,"
                                + "\"terminated\":false,\"truncated\":false}");
        assertThat(lines.get(198)).endsWith("\"truncated\":false}");
        assertThat(lines.get(199)).endsWith("\"terminated\":false,\"truncated\":true}");
    }

    @Test
    void floatsReadBackToTheSameFloat32() {
        SplittableRandom random = new SplittableRandom(1);
        StepResult result = new StepResult();
        for (int i = 0; i < 100_000; i++) {
            float value = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(value)) {
                continue;
            }
            result.set(value, false);
            String json = EnvRollout.toJson(new float[] {value}, result, 0);
            String number = json.substring("{\"obs\":[".length(), json.indexOf(']'));
            assertThat(Float.parseFloat(number)).isEqualTo(value);
        }
    }

    @Test
    void refusesToPrintNonFiniteValues() {
        // theta_dot = 1e200 squares to infinity: the next state is not a number.
        assertThatThrownBy(
                        () ->
                                rollout.run(
                                        "CartPole-v1",
                                        new double[] {0.0, 0.0, 0.0, 1e200},
                                        new int[] {1}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("step 0 produced the non-finite value")
                .hasMessageEndingWith(
                        "which JSON cannot carry; start from a state within the environment's"
                                + " physical range");
    }

    @Test
    void namesTheExpectedStateWhenTheLengthIsWrong() {
        assertThatThrownBy(() -> rollout.run("MountainCar-v0", new double[] {-0.5}, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "MountainCar-v0 state needs 2 values [position, velocity]; got 1 [-0.5]");
        assertThatThrownBy(
                        () ->
                                rollout.run(
                                        "Acrobot-v1",
                                        new double[] {0, 0, 0, 0, 0, 0},
                                        new int[] {1}))
                .hasMessage(
                        "Acrobot-v1 state needs 4 values [theta1, theta2, theta1_dot,"
                                + " theta2_dot]; got 6 [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]");
    }

    @Test
    void namesTheBadActionAndItsPosition() {
        assertThatThrownBy(
                        () ->
                                rollout.run(
                                        "CartPole-v1",
                                        new double[] {0, 0, 0, 0},
                                        new int[] {0, 1, 5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "action 5 at position 3 is out of range for CartPole-v1: valid actions"
                                + " are 0 to 1");
    }

    @Test
    void namesTheKnownIdsForAnUnknownOne() {
        assertThatThrownBy(() -> rollout.run("Pendulum-v1", new double[] {0, 0}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown environment id \"Pendulum-v1\"; known ids: [Acrobot-v1,"
                                + " CartPole-v1, CartPole-v1-masked, MinAtar/Asterix-v1,"
                                + " MinAtar/Breakout-v1, MinAtar/Freeway-v1, MinAtar/Seaquest-v1,"
                                + " MinAtar/SpaceInvaders-v1, MountainCar-v0]");
    }

    @Test
    void refusesEnvironmentsWhoseStateCannotBeSet() {
        EnvRegistry registry =
                EnvRegistry.withBuiltIns().register("Counting-v0", () -> new CountingEnv(5, 0));

        assertThatThrownBy(
                        () ->
                                new EnvRollout(registry)
                                        .run("Counting-v0", new double[] {0}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Counting-v0 cannot start from a given state: its class"
                                + " io.replayflow.actor.env.CountingEnv does not implement"
                                + " StatefulEnvironment");
    }

    @Test
    void parsesTheCommandLineLists() {
        assertThat(EnvRollout.parseState("0.01, -0.02,0.03,4e-2"))
                .containsExactly(0.01, -0.02, 0.03, 0.04);
        assertThat(EnvRollout.parseActions("1,0, 2")).containsExactly(1, 0, 2);

        assertThatThrownBy(() -> EnvRollout.parseState("0.1,x,0.3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--state value 2 is not a number: \"x\"");
        assertThatThrownBy(() -> EnvRollout.parseActions("1,,0"))
                .hasMessage("--actions value 2 is not an integer: \"\"");
        assertThatThrownBy(() -> EnvRollout.parseActions(" "))
                .hasMessage("--actions needs comma-separated values, e.g. --actions 0,1,1");
    }

    @Test
    void minAtarRolloutSetsMinAtarsFieldsAndPrintsBinaryObservations() {
        // Breakout, no bricks, ball (x=1, y=5) going up-left, paddle at 4, action n: the ball
        // moves to (x=0, y=4) with its trail on (x=1, y=5). Cell (y, x, c) is index (10y + x)·4 +
        // c.
        String noBricks =
                "["
                        + String.join(
                                ",", java.util.Collections.nCopies(10, "[0,0,0,0,0,0,0,0,0,0]"))
                        + "]";
        List<String> lines =
                rollout.runMinAtar(
                        "MinAtar/Breakout-v1",
                        "{\"ball_x\":1,\"ball_y\":5,\"ball_dir\":0,\"pos\":4,\"brick_map\":"
                                + noBricks
                                + "}",
                        new int[] {0},
                        io.replayflow.actor.env.minatar.MinAtarOptions.DEFAULTS
                                .withStickyActionProbability(0),
                        0L);

        int[] obs = new int[400];
        obs[(10 * 9 + 4) * 4] = 1; // paddle
        obs[(10 * 4 + 0) * 4 + 1] = 1; // ball
        obs[(10 * 5 + 1) * 4 + 2] = 1; // trail
        StringBuilder expected = new StringBuilder("{\"obs\":[");
        for (int i = 0; i < obs.length; i++) {
            expected.append(i == 0 ? "" : ",").append(obs[i]);
        }
        expected.append("],\"reward\":0.0,\"terminated\":false,\"truncated\":false}");
        assertThat(lines).containsExactly(expected.toString());
    }

    @Test
    void minAtarRolloutStopsWhenTheBallIsLost() {
        List<String> lines =
                rollout.runMinAtar(
                        "MinAtar/Breakout-v1",
                        "{\"ball_x\":1,\"ball_y\":8,\"ball_dir\":2,\"pos\":4}",
                        new int[] {0, 0, 0},
                        io.replayflow.actor.env.minatar.MinAtarOptions.DEFAULTS
                                .withStickyActionProbability(0),
                        0L);

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .endsWith("\"reward\":0.0,\"terminated\":true,\"truncated\":false}");
    }

    @Test
    void minAtarRolloutRefusesOtherEnvsAndBadFields() {
        io.replayflow.actor.env.minatar.MinAtarOptions options =
                io.replayflow.actor.env.minatar.MinAtarOptions.DEFAULTS;
        assertThatThrownBy(() -> rollout.runMinAtar("CartPole-v1", "{}", new int[] {0}, options, 0))
                .hasMessageStartingWith("CartPole-v1 is not a MinAtar game; the MinAtar games are");
        assertThatThrownBy(
                        () ->
                                rollout.runMinAtar(
                                        "MinAtar/SpaceInvaders-v1",
                                        "{\"alien_dir\":0}",
                                        new int[] {0},
                                        options,
                                        0))
                .hasMessage(
                        "MinAtar/SpaceInvaders-v1 state field alien_dir must be one of [-1, 1];"
                                + " got 0");
        assertThatThrownBy(
                        () ->
                                rollout.runMinAtar(
                                        "MinAtar/Breakout-v1", "{}", new int[] {6}, options, 0))
                .hasMessage(
                        "action 6 at position 1 is out of range for MinAtar/Breakout-v1: valid"
                                + " actions are 0 to 5");
    }
}
