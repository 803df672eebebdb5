package io.replayflow.actor.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MaskedCartPoleTest {

    @Test
    void observesCartPoleComponentsZeroAndTwoWithTheSameRewardsAndEnds() {
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        TimeLimit full = registry.make("CartPole-v1");
        TimeLimit masked = registry.make("CartPole-v1-masked");
        assertThat(masked.spec().observationShape()).containsExactly(2);
        assertThat(masked.spec().numActions()).isEqualTo(2);
        assertThat(masked.spec().maxEpisodeSteps()).isEqualTo(500);

        SplittableRandom actions = new SplittableRandom(7);
        float[] fullObs = new float[4];
        float[] maskedObs = new float[2];
        StepResult fullResult = new StepResult();
        StepResult maskedResult = new StepResult();
        int episodes = 0;
        int steps = 0;
        boolean sawTermination = false;
        boolean sawTruncation = false;
        for (long seed = 1; episodes < 40; seed++, episodes++) {
            full.reset(seed, fullObs, 0);
            masked.reset(seed, maskedObs, 0);
            assertMasked(fullObs, maskedObs);
            // Every tenth episode balances with a hand controller so that some reach the limit.
            boolean balance = episodes % 10 == 0;
            do {
                int action =
                        balance ? (fullObs[2] + 0.5f * fullObs[3] > 0 ? 1 : 0) : actions.nextInt(2);
                full.step(action, fullObs, 0, fullResult);
                masked.step(action, maskedObs, 0, maskedResult);
                steps++;
                assertMasked(fullObs, maskedObs);
                assertThat(maskedResult.reward()).isEqualTo(fullResult.reward());
                assertThat(maskedResult.terminated()).isEqualTo(fullResult.terminated());
                assertThat(maskedResult.truncated()).isEqualTo(fullResult.truncated());
            } while (!fullResult.ended());
            sawTermination |= fullResult.terminated();
            sawTruncation |= fullResult.truncated();
        }
        assertThat(steps).isGreaterThan(1000);
        assertThat(sawTermination).isTrue();
        assertThat(sawTruncation).as("an episode reached the 500-step limit").isTrue();
    }

    @Test
    void vectorisedCopiesMaskTheirResetObservationsToo() {
        VectorEnv full = VectorEnv.create(CartPole::new, 4, 11);
        VectorEnv masked = VectorEnv.create(CartPole::masked, 4, 11);
        full.reset();
        masked.reset();
        int[] actions = new int[4];
        SplittableRandom random = new SplittableRandom(3);
        for (int t = 0; t < 300; t++) {
            for (int i = 0; i < 4; i++) {
                actions[i] = random.nextInt(2);
                assertThat(masked.obs()[2 * i]).isEqualTo(full.obs()[4 * i]);
                assertThat(masked.obs()[2 * i + 1]).isEqualTo(full.obs()[4 * i + 2]);
            }
            full.step(actions);
            masked.step(actions);
            assertThat(masked.autoReset()).isEqualTo(full.autoReset());
            assertThat(masked.episodeIndex()).isEqualTo(full.episodeIndex());
        }
        assertThat(masked.currentEpisode()).isEqualTo(full.currentEpisode());
        assertThat(masked.currentEpisode()[0]).isPositive();
    }

    private static void assertMasked(float[] full, float[] masked) {
        assertThat(masked).containsExactly(full[0], full[2]);
    }
}
