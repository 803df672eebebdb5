package io.replayflow.trainer.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TraceTargets} on a five-step episode, worked out by hand.
 *
 * <pre>
 * t            0    1    2    3    4
 * reward       1    2    3    4    5
 * logged a     0    1    1    0    1
 * pi(s_t)      1    1    1    1    1      (the log follows pi at t = 1, 2, 4; not at 3)
 * gamma = 0.5; the episode terminates at t = 4.
 *
 * t = 0: a_1 = pi(s_1), a_2 = pi(s_2), a_3 != pi(s_3): m = 3
 *        y = 1 + .5*2 + .25*3 + .125 Q(s_3, pi(s_3)):  reward 2.75, discount .125, row 2
 * t = 1: m = 3: reward 2 + .5*3 = 3.5, discount .25, row 2
 * t = 2: m = 3: reward 3, discount .5, row 2
 * t = 3: a_4 = pi(s_4), and step 4 ends the episode: reward 4 + .5*5 = 6.5, discount 0, row 4
 * t = 4: terminal: reward 5, discount 0, row 4
 * One-step: reward r_t, discount .5 except 0 at t = 4, row t.
 * </pre>
 */
@Timeout(10)
class TraceTargetsTest {

    private static final float[] REWARD = {1, 2, 3, 4, 5};
    private static final int[] ACTION = {0, 1, 1, 0, 1};
    private static final int[] PI = {1, 1, 1, 1, 1};
    private static final boolean[] END = {false, false, false, false, true};

    @Test
    void theTargetRunsAlongTheLogWhileItFollowsThePolicyAndBootstrapsWhereItStops() {
        TraceTargets t = TraceTargets.of(REWARD, ACTION, PI, END, 0.5, true);

        assertThat(t.reward()).containsExactly(new double[] {2.75, 3.5, 3, 6.5, 5}, within(1e-12));
        assertThat(t.discount())
                .containsExactly(new double[] {0.125, 0.25, 0.5, 0, 0}, within(1e-12));
        assertThat(t.bootstrapRow()).containsExactly(2, 2, 2, 4, 4);
    }

    @Test
    void withoutTracesEveryTargetIsOneStep() {
        TraceTargets t = TraceTargets.of(REWARD, ACTION, PI, END, 0.5, false);

        assertThat(t.reward()).containsExactly(new double[] {1, 2, 3, 4, 5}, within(1e-12));
        assertThat(t.discount())
                .containsExactly(new double[] {0.5, 0.5, 0.5, 0.5, 0}, within(1e-12));
        assertThat(t.bootstrapRow()).containsExactly(0, 1, 2, 3, 4);
    }

    /** A truncated end stops the trace like a terminal one: nothing is bootstrapped past it. */
    @Test
    void aTraceNeverCrossesTheEndOfTheEpisode() {
        TraceTargets t =
                TraceTargets.of(
                        new float[] {1, 1},
                        new int[] {1, 1},
                        new int[] {1, 1},
                        new boolean[] {true, false},
                        1.0,
                        true);

        assertThat(t.reward()).containsExactly(new double[] {1, 1}, within(1e-12));
        assertThat(t.discount()).containsExactly(new double[] {0, 1}, within(1e-12));
        assertThat(t.bootstrapRow()).containsExactly(0, 1);
    }
}
