package io.replayflow.actor.env.minatar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.StepResult;
import io.replayflow.actor.env.TimeLimit;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.env.ObservationType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class MinAtarEnvTest {

    static java.util.List<String> games() {
        return MinAtar.ids();
    }

    @ParameterizedTest
    @MethodSource("games")
    void tenThousandRandomStepsWithResetsStayBinaryAndEndEpisodes(String id) {
        TimeLimit env = EnvRegistry.withBuiltIns().make(id);
        int size = env.spec().observationSize();
        float[] obs = env.reset(1L);
        StepResult result = new StepResult();
        SplittableRandom random = new SplittableRandom(2);
        int episodes = 0;
        for (int i = 0; i < 10_000; i++) {
            env.step(random.nextInt(6), obs, 0, result);
            for (float v : obs) {
                assertThat(v == 0f || v == 1f).as("%s obs value %s", id, v).isTrue();
            }
            assertThat(result.reward()).isBetween(0f, 10f);
            if (result.ended()) {
                episodes++;
                assertThatThrownBy(() -> env.step(0, new float[size], 0, new StepResult()))
                        .isInstanceOf(IllegalStateException.class);
                env.reset(100L + i, obs, 0);
                assertThat(env.elapsedSteps()).isZero();
            }
        }
        // Random play loses Breakout, Space Invaders, Asterix and Seaquest within a few hundred
        // frames; Freeway ends after its 2500 frames.
        assertThat(episodes).as(id + " episodes in 10k random steps").isGreaterThanOrEqualTo(3);
    }

    @Test
    void specsComeFromTheEnvTable() {
        MinAtarEnv breakout = MinAtar.make("MinAtar/Breakout-v1", MinAtarOptions.DEFAULTS);

        assertThat(breakout.spec()).isEqualTo(EnvSpecs.MINATAR_BREAKOUT);
        assertThat(breakout.spec().observationShape()).containsExactly(10, 10, 4);
        assertThat(breakout.spec().observationType()).isEqualTo(ObservationType.UINT8);
        assertThat(EnvSpecs.builtIn("MinAtar/Seaquest-v1").orElseThrow().observationShape())
                .containsExactly(10, 10, 10);
    }

    @Test
    void minimalActionSetMapsToMinAtarsFullIndices() {
        MinAtarOptions minimal = MinAtarOptions.DEFAULTS.withMinimalActionSet(true);
        MinAtarEnv breakout = MinAtar.make("MinAtar/Breakout-v1", minimal);
        MinAtarEnv invaders = MinAtar.make("MinAtar/SpaceInvaders-v1", minimal);

        assertThat(breakout.spec().numActions()).isEqualTo(3);
        assertThat(java.util.stream.IntStream.range(0, 3).map(breakout::fullAction))
                .containsExactly(0, 1, 3);
        assertThat(java.util.stream.IntStream.range(0, 4).map(invaders::fullAction))
                .containsExactly(0, 1, 3, 5);
        assertThatThrownBy(() -> breakout.fullAction(3))
                .hasMessage(
                        "action 3 is out of range for MinAtar/Breakout-v1: valid actions are 0 to"
                                + " 2");
    }

    @Test
    void stickyActionsRepeatThePreviousActionWithTheirProbability() {
        // Every trial starts an episode with the paddle at 4 (the previous action is then n) and
        // chooses l. The paddle stays at 4 when the sticky draw repeats n, which should happen
        // with p = 0.1: over 20k trials, 0.1 ± 4·sqrt(0.1·0.9/20000) = 0.1 ± 0.0085.
        MinAtarEnv env =
                MinAtar.make(
                        "MinAtar/Breakout-v1",
                        MinAtarOptions.DEFAULTS.withStickyActionProbability(0.1));
        int trials = 20_000;
        int repeats = 0;
        StepResult result = new StepResult();
        float[] obs = new float[env.spec().observationSize()];
        for (int i = 0; i < trials; i++) {
            env.setState("{\"pos\":4,\"ball_x\":0,\"ball_y\":5,\"ball_dir\":1}", i);
            env.step(1, obs, 0, result);
            repeats += paddleX(obs) == 4 ? 1 : 0;
        }
        double rate = (double) repeats / trials;
        assertThat(rate).isCloseTo(0.1, within(4 * Math.sqrt(0.1 * 0.9 / trials)));
    }

    @Test
    void stickyProbabilityZeroNeverRepeats() {
        MinAtarEnv env =
                MinAtar.make(
                        "MinAtar/Breakout-v1",
                        MinAtarOptions.DEFAULTS.withStickyActionProbability(0));
        StepResult result = new StepResult();
        float[] obs = new float[env.spec().observationSize()];
        for (int i = 0; i < 2000; i++) {
            env.setState("{\"pos\":4,\"ball_x\":0,\"ball_y\":5,\"ball_dir\":1}", i);
            env.step(1, obs, 0, result);
            env.step(3, obs, 0, result);
            assertThat(paddleX(obs)).isEqualTo(4);
        }
    }

    @Test
    void equalSeedsGiveEqualEpisodes() {
        for (String id : MinAtar.ids()) {
            float[] a = play(id, 5L);
            float[] b = play(id, 5L);
            assertThat(a).as(id).containsExactly(b);
        }
    }

    @Test
    void stickyProbabilityMustBeBelowOne() {
        assertThatThrownBy(() -> MinAtarOptions.DEFAULTS.withStickyActionProbability(1.0))
                .hasMessage(
                        "the sticky-action probability must be in [0, 1) (MinAtar's default is"
                                + " 0.1, 0 turns sticky actions off); got 1.0");
    }

    @Test
    void gamesWithoutSettableStateSaySoAndNameTheOnesThatHaveIt() {
        MinAtarEnv freeway = MinAtar.make("MinAtar/Freeway-v1", MinAtarOptions.DEFAULTS);

        assertThatThrownBy(() -> freeway.setState("{}", 0))
                .hasMessage(
                        "MinAtar/Freeway-v1 cannot start from a given state yet;"
                                + " MinAtar/Breakout-v1 and MinAtar/SpaceInvaders-v1 can");
    }

    private static float[] play(String id, long seed) {
        MinAtarEnv env = MinAtar.make(id, MinAtarOptions.DEFAULTS);
        float[] obs = env.reset(seed);
        StepResult result = new StepResult();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200 && !result.terminated(); i++) {
            env.step(random.nextInt(6), obs, 0, result);
        }
        return obs;
    }

    /** The paddle's column: channel 0 of row 9. */
    private static int paddleX(float[] obs) {
        for (int x = 0; x < 10; x++) {
            if (obs[(90 + x) * 4] == 1f) {
                return x;
            }
        }
        throw new AssertionError("no paddle on row 9");
    }
}
