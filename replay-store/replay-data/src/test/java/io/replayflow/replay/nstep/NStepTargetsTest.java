package io.replayflow.replay.nstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * n-step targets worked out by hand. Episode: rewards r = [1, 2, 3, 4, 5] (T = 5), n = 3, gamma =
 * 0.5, so gamma^1 = 0.5, gamma^2 = 0.25, gamma^3 = 0.125.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NStepTargetsTest {

    private static final float[] REWARDS = {1, 2, 3, 4, 5};

    @Test
    void terminatedEpisodeCutsTheBootstrapOnceTheWindowReachesTheEnd() {
        NStepTargets.Result r = NStepTargets.compute(REWARDS, EpisodeEnd.TERMINATED, 3, 0.5);
        // G_0 = 1 + 0.5*2 + 0.25*3 = 2.75    k=3, bootstrap from next_obs_2, D = 0.125
        // G_1 = 2 + 0.5*3 + 0.25*4 = 4.5     k=3, bootstrap from next_obs_3, D = 0.125
        // G_2 = 3 + 0.5*4 + 0.25*5 = 6.25    k=3, reaches the terminal step 4: cut
        // G_3 = 4 + 0.5*5          = 6.5     k=2, cut
        // G_4 = 5                  = 5       k=1, cut
        assertThat(r.nStepReturn()).containsExactly(2.75f, 4.5f, 6.25f, 6.5f, 5.0f);
        assertThat(r.count()).containsExactly(3, 3, 3, 2, 1);
        assertThat(r.bootstrapIndex()).containsExactly(2, 3, 4, 4, 4);
        assertThat(r.bootstrapDiscount()).containsExactly(0.125f, 0.125f, 0.125f, 0.25f, 0.5f);
        assertThat(r.bootstrapCut()).containsExactly(false, false, true, true, true);
        // R_4 = 5; R_3 = 4 + 0.5*5 = 6.5; R_2 = 3 + 0.5*6.5 = 6.25;
        // R_1 = 2 + 0.5*6.25 = 5.125; R_0 = 1 + 0.5*5.125 = 3.5625
        assertThat(r.returnToGo()).containsExactly(3.5625f, 5.125f, 6.25f, 6.5f, 5.0f);
    }

    @Test
    void truncatedEpisodeStillBootstrapsAtItsTail() {
        NStepTargets.Result r = NStepTargets.compute(REWARDS, EpisodeEnd.TRUNCATED, 3, 0.5);
        // Same sums and discounts as terminated; the time limit is not a terminal state, so the
        // tail rows bootstrap from the final next_obs (row 4) with gamma^k.
        assertThat(r.nStepReturn()).containsExactly(2.75f, 4.5f, 6.25f, 6.5f, 5.0f);
        assertThat(r.bootstrapIndex()).containsExactly(2, 3, 4, 4, 4);
        assertThat(r.bootstrapDiscount()).containsExactly(0.125f, 0.125f, 0.125f, 0.25f, 0.5f);
        assertThat(r.bootstrapCut()).containsOnly(false);
        // The Monte-Carlo return sums the rewards seen (no bootstrap term).
        assertThat(r.returnToGo()).containsExactly(3.5625f, 5.125f, 6.25f, 6.5f, 5.0f);
    }

    @Test
    void openRunBootstrapsLikeTruncationButHasNoReturnToGo() {
        NStepTargets.Result r = NStepTargets.compute(REWARDS, EpisodeEnd.OPEN, 3, 0.5);
        assertThat(r.bootstrapCut()).containsOnly(false);
        assertThat(r.nStepReturn()).containsExactly(2.75f, 4.5f, 6.25f, 6.5f, 5.0f);
        for (float g : r.returnToGo()) {
            assertThat(g).isNaN();
        }
    }

    @Test
    void oneStepTargetIsTheRewardWithOneDiscount() {
        NStepTargets.Result r =
                NStepTargets.compute(new float[] {1, 1}, EpisodeEnd.TERMINATED, 1, 0.99);
        assertThat(r.nStepReturn()).containsExactly(1f, 1f);
        assertThat(r.bootstrapDiscount()[0]).isCloseTo(0.99f, within(1e-7f));
        assertThat(r.bootstrapCut()).containsExactly(false, true);
        assertThat(r.returnToGo()[0]).isCloseTo(1.99f, within(1e-6f));
    }

    @Test
    void nLongerThanTheEpisodeSumsEverything() {
        NStepTargets.Result r =
                NStepTargets.compute(new float[] {1, 1, 1}, EpisodeEnd.TERMINATED, 10, 1.0);
        assertThat(r.nStepReturn()).containsExactly(3f, 2f, 1f);
        assertThat(r.bootstrapCut()).containsOnly(true);
        assertThat(r.returnToGo()).containsExactly(3f, 2f, 1f);
    }

    @Test
    void refusesSettingsItIsNotDefinedForAndNamesTheOption() {
        assertThatThrownBy(() -> NStepTargets.compute(REWARDS, EpisodeEnd.OPEN, 0, 0.9))
                .hasMessageContaining("replay.n-step is 0");
        assertThatThrownBy(() -> NStepTargets.compute(REWARDS, EpisodeEnd.OPEN, 3, 1.5))
                .hasMessageContaining("replay.gamma is 1.5");
        assertThatThrownBy(() -> NStepTargets.compute(REWARDS, EpisodeEnd.OPEN, 3, Double.NaN))
                .hasMessageContaining("replay.gamma is NaN");
    }
}
