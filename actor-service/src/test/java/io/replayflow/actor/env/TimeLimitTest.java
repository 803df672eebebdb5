package io.replayflow.actor.env;

import static io.replayflow.actor.env.EnvTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TimeLimitTest {
    private final float[] obs = new float[2];

    @Test
    void truncatesAtMaxEpisodeSteps() {
        TimeLimit env = new TimeLimit(new CountingEnv(3, 0));
        env.reset(1L, obs, 0);

        assertThat(step(env, 0, obs).truncated()).isFalse();
        assertThat(step(env, 0, obs).truncated()).isFalse();
        StepResult third = step(env, 0, obs);

        assertThat(third.truncated()).isTrue();
        assertThat(third.terminated()).isFalse();
        assertThat(env.elapsedSteps()).isEqualTo(3);
        assertThat(obs[0]).as("the final observation is the true next state").isEqualTo(3.0f);
    }

    @Test
    void terminatedWinsWhenBothHold() {
        TimeLimit env = new TimeLimit(new CountingEnv(3, 3));
        env.reset(1L, obs, 0);
        step(env, 0, obs);
        step(env, 0, obs);

        StepResult third = step(env, 0, obs);

        assertThat(third.terminated()).isTrue();
        assertThat(third.truncated()).isFalse();
    }

    @Test
    void terminationBeforeTheLimitIsNotTruncation() {
        TimeLimit env = new TimeLimit(new CountingEnv(5, 2));
        env.reset(1L, obs, 0);
        step(env, 0, obs);
        StepResult second = step(env, 0, obs);

        assertThat(second.terminated()).isTrue();
        assertThat(second.truncated()).isFalse();
    }

    @Test
    void refusesToStepAfterTheEpisodeEndedUntilReset() {
        TimeLimit env = new TimeLimit(new CountingEnv(2, 0));
        env.reset(1L, obs, 0);
        step(env, 0, obs);
        step(env, 0, obs);

        assertThatThrownBy(() -> step(env, 0, obs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Counting-v0: step() called after the episode ended at step 2 (time"
                                + " limit 2); call reset(seed) to start a new episode");

        env.reset(2L, obs, 0);
        assertThat(env.elapsedSteps()).isZero();
        assertThat(step(env, 0, obs).ended()).isFalse();
    }

    @Test
    void cartPoleRunsToTheFull500StepsWhenBalanced() {
        // Upright and at rest, alternating pushes keep the pole up for the whole episode.
        CartPole cartPole = new CartPole();
        cartPole.setState(new double[] {0.0, 0.0, 0.0, 0.0});
        TimeLimit env = new TimeLimit(cartPole);
        float[] cartObs = new float[4];
        StepResult result = new StepResult();
        int steps = 0;
        do {
            env.step(cartObs[2] + 0.5f * cartObs[3] > 0 ? 1 : 0, cartObs, 0, result);
            steps++;
        } while (!result.ended());

        assertThat(steps).isEqualTo(500);
        assertThat(result.truncated()).isTrue();
        assertThat(result.terminated()).isFalse();
    }

    @Test
    void wrapDoesNotWrapTwice() {
        TimeLimit once = TimeLimit.wrap(new CountingEnv(3, 0));
        assertThat(TimeLimit.wrap(once)).isSameAs(once);
        assertThat(EnvRegistry.withBuiltIns().make("CartPole-v1").unwrapped())
                .isInstanceOf(CartPole.class);
    }
}
