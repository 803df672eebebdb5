package io.replayflow.actor.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.ObservationType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Frame stacking: channel order, the reset fill, the ring, and the registry's stacked ids. */
@Timeout(10)
class FrameStackTest {

    /**
     * A 1×W×C image env whose frame at step t holds, in pixel p channel c, 100·c + 10·p + t (the
     * seed is added to t so that a reset with another seed shows other frames).
     */
    private static final class Counter implements Environment {
        private final EnvSpec spec;
        private final int width;
        private final int channels;
        private long t;

        Counter(int width, int channels) {
            this.width = width;
            this.channels = channels;
            this.spec =
                    new EnvSpec(
                            "Test/Counter-v0",
                            List.of(1, width, channels),
                            ObservationType.UINT8,
                            2,
                            1000,
                            Double.NaN,
                            "");
        }

        @Override
        public EnvSpec spec() {
            return spec;
        }

        @Override
        public void reset(long seed, float[] obs, int offset) {
            t = seed;
            write(obs, offset);
        }

        @Override
        public void step(int action, float[] nextObs, int offset, StepResult result) {
            t++;
            write(nextObs, offset);
            result.set(0f, false);
        }

        private void write(float[] out, int offset) {
            for (int p = 0; p < width; p++) {
                for (int c = 0; c < channels; c++) {
                    out[offset + p * channels + c] = 100 * c + 10 * p + t;
                }
            }
        }
    }

    @Test
    void resetFillsEveryFrameWithTheFirstAndEachStepShiftsInTheNewest() {
        FrameStack stack = new FrameStack(new Counter(2, 1), 3);
        float[] obs = new float[6];
        StepResult r = new StepResult();

        assertThat(stack.spec().id()).isEqualTo("Test/Counter-v0+stack3");
        assertThat(stack.spec().observationShape()).containsExactly(1, 2, 3);
        stack.reset(0, obs, 0);
        // pixel 0: frames oldest..newest, then pixel 1
        assertThat(obs).containsExactly(0, 0, 0, 10, 10, 10);
        stack.step(0, obs, 0, r);
        assertThat(obs).containsExactly(0, 0, 1, 10, 10, 11);
        stack.step(0, obs, 0, r);
        assertThat(obs).containsExactly(0, 1, 2, 10, 11, 12);
        stack.step(0, obs, 0, r);
        assertThat(obs).containsExactly(1, 2, 3, 11, 12, 13);
        stack.reset(50, obs, 0);
        assertThat(obs).as("no frame of the last episode").containsExactly(50, 50, 50, 60, 60, 60);
    }

    @Test
    void eachFramesChannelsStayTogetherAtAnOffset() {
        FrameStack stack = new FrameStack(new Counter(1, 2), 2);
        float[] obs = new float[7];
        StepResult r = new StepResult();

        stack.reset(0, obs, 3);
        stack.step(0, obs, 3, r);

        assertThat(obs).containsExactly(0, 0, 0, 0, 100, 1, 101);
    }

    @Test
    void theRegistryStacksAnyImageEnvAndRefusesAVectorEnvWithTheRule() {
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        Environment breakout = registry.makeUnwrapped("MinAtar/Breakout-v1");
        TimeLimit stacked = registry.make("MinAtar/Breakout-v1+stack4");
        float[] frame = breakout.reset(7);
        float[] obs = stacked.reset(7);

        assertThat(registry.contains("MinAtar/Breakout-v1+stack4")).isTrue();
        assertThat(registry.contains("CartPole-v1+stack4")).isFalse();
        assertThat(stacked.spec().observationShape()).containsExactly(10, 10, 16);
        assertThat(stacked.spec().numActions()).isEqualTo(6);
        for (int p = 0; p < 100; p++) {
            for (int k = 0; k < 4; k++) {
                for (int c = 0; c < 4; c++) {
                    assertThat(obs[p * 16 + k * 4 + c]).isEqualTo(frame[p * 4 + c]);
                }
            }
        }
        assertThatThrownBy(() -> registry.spec("CartPole-v1+stack4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame stacking applies to uint8 images [H, W, C]");
    }
}
