package io.replayflow.actor.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Small helpers shared by the environment tests. */
final class EnvTestSupport {
    /** Internal double state: the reference values are double-precision, so this is tight. */
    static final double STATE_TOLERANCE = 1e-12;

    /** float32 observations: about one float ulp at the magnitudes the tests use. */
    static final float OBS_TOLERANCE = 1e-6f;

    private EnvTestSupport() {}

    /** Steps {@code env} once, returning the outcome; the observation goes into {@code obs}. */
    static StepResult step(Environment env, int action, float[] obs) {
        StepResult result = new StepResult();
        env.step(action, obs, 0, result);
        return result;
    }

    static void assertState(StatefulEnvironment env, double... expected) {
        double[] actual = env.state();
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i])
                    .as(env.stateNames().get(i))
                    .isCloseTo(expected[i], within(STATE_TOLERANCE));
        }
    }

    static void assertObs(float[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i])
                    .as("obs[%d]", i)
                    .isCloseTo((float) expected[i], within(OBS_TOLERANCE));
        }
    }
}
