package io.replayflow.trainer.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The estimators against numbers worked out by hand on a two-state dataset.
 *
 * <pre>
 * States s0 (t=0) and s1 (t=1); every episode is s0 -> s1 -> end; gamma = 0.9.
 * Behaviour mu: s0 uniform (0.5, 0.5); s1 mu(0) = 0.8, mu(1) = 0.2.
 * Target pi (greedy): pi(s0) = 1, pi(s1) = 0.
 * Rewards: r(s0, 0) = 0, r(s0, 1) = 1, r(s1, 0) = 2, r(s1, 1) = 5.
 * True value of pi: 1 + 0.9 * 2 = 2.8.
 *
 * E1: (s0, a=1, mu .5, pi 1, r 1), (s1, a=0, mu .8, pi 1, r 2): rho = 2, 2.5
 * E2: (s0, a=0, mu .5, pi 0, r 0), (s1, a=0, mu .8, pi 1, r 2): rho = 0, 0
 * E3: (s0, a=1, mu .5, pi 1, r 1), (s1, a=1, mu .2, pi 0, r 5): rho = 2, 0
 *
 * PDIS  = 1/3 [ (2*1 + .9*2.5*2) + 0 + (2*1 + .9*0*5) ] = 1/3 (6.5 + 0 + 2) = 2.8333...
 * WPDIS : t=0 (2*1 + 0 + 2*1) / (2 + 0 + 2) = 1;  t=1 (2.5*2 + 0 + 0) / (2.5 + 0 + 0) = 2
 *         = 1 + .9 * 2 = 2.8
 * ESS of the episode weights (2.5, 0, 0) = 2.5^2 / 2.5^2 = 1
 *
 * DR with a rough model q(s0,0)=.5, q(s0,1)=2.5, q(s1,0)=1.5, q(s1,1)=4; v(s0)=2.5, v(s1)=1.5:
 *   E1: [2*1 - (2*2.5 - 1*2.5)] + .9 [2.5*2 - (2.5*1.5 - 2*1.5)] = -0.5 + .9*4.25 = 3.325
 *   E2: [0 - (0*.5 - 1*2.5)] + .9 [0 - (0*1.5 - 0*1.5)]         =  2.5
 *   E3: [2*1 - (2*2.5 - 2.5)] + .9 [0*5 - (0*4 - 2*1.5)]         = -0.5 + .9*3 = 2.2
 *   DR = (3.325 + 2.5 + 2.2) / 3 = 2.675;  FQE (direct) = mean v(s0) = 2.5
 * DR with the exact model q(s0,0)=1.8, q(s0,1)=2.8, q(s1,0)=2, q(s1,1)=5 gives 2.8 on every episode.
 * </pre>
 */
@Timeout(30)
class EstimatorsTest {

    private static final double GAMMA = 0.9;

    private static LoggedEpisode episode(
            double[] r, double[] mu, double[] pi, double[] q, double[] v) {
        return new LoggedEpisode(r, mu, pi, q, v);
    }

    private static List<LoggedEpisode> data(double[] q, double[] v) {
        // q, v tables: q = {q(s0,0), q(s0,1), q(s1,0), q(s1,1)}, v = {v(s0), v(s1)}
        return List.of(
                episode(
                        new double[] {1, 2},
                        new double[] {.5, .8},
                        new double[] {1, 1},
                        new double[] {q[1], q[2]},
                        v),
                episode(
                        new double[] {0, 2},
                        new double[] {.5, .8},
                        new double[] {0, 1},
                        new double[] {q[0], q[2]},
                        v),
                episode(
                        new double[] {1, 5},
                        new double[] {.5, .2},
                        new double[] {1, 0},
                        new double[] {q[1], q[3]},
                        v));
    }

    private static final List<LoggedEpisode> ROUGH =
            data(new double[] {.5, 2.5, 1.5, 4}, new double[] {2.5, 1.5});
    private static final List<LoggedEpisode> EXACT =
            data(new double[] {1.8, 2.8, 2, 5}, new double[] {2.8, 2});

    @Test
    void perDecisionImportanceSampling() {
        assertThat(new PerDecisionIs().estimate(ROUGH, GAMMA)).isCloseTo(8.5 / 3, within(1e-12));
    }

    @Test
    void weightedPerDecisionImportanceSampling() {
        assertThat(new WeightedPerDecisionIs().estimate(ROUGH, GAMMA))
                .isCloseTo(2.8, within(1e-12));
    }

    @Test
    void doublyRobustWithARoughAndAnExactModel() {
        assertThat(new DoublyRobust().estimate(ROUGH, GAMMA)).isCloseTo(2.675, within(1e-12));
        assertThat(new DoublyRobust().estimate(EXACT, GAMMA)).isCloseTo(2.8, within(1e-12));
        for (LoggedEpisode e : EXACT) {
            assertThat(new DoublyRobust().estimate(List.of(e), GAMMA))
                    .as("an exact model has zero residual on every episode")
                    .isCloseTo(2.8, within(1e-12));
        }
    }

    @Test
    void directMethodAveragesTheModelsFirstStateValue() {
        assertThat(new DirectMethod().estimate(ROUGH, GAMMA)).isCloseTo(2.5, within(1e-12));
    }

    @Test
    void effectiveSampleSizeOfTheEpisodeWeights() {
        assertThat(Bootstrap.effectiveSampleSize(ROUGH)).isCloseTo(1.0, within(1e-12));
        // weights (1, 1, 4): (6)^2 / (1 + 1 + 16) = 2
        List<LoggedEpisode> three =
                List.of(
                        LoggedEpisode.of(new double[] {1}, new double[] {1}, new double[] {1}),
                        LoggedEpisode.of(new double[] {1}, new double[] {1}, new double[] {1}),
                        LoggedEpisode.of(new double[] {1}, new double[] {.25}, new double[] {1}));
        assertThat(Bootstrap.effectiveSampleSize(three)).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void bootstrapIntervalHoldsTheEstimateAndCollapsesOnIdenticalEpisodes() {
        Bootstrap bootstrap = new Bootstrap(200, 0.95, new SplittableRandom(1));
        OpeEstimate pdis = bootstrap.estimate(new PerDecisionIs(), ROUGH, GAMMA);
        assertThat(pdis.value()).isCloseTo(8.5 / 3, within(1e-12));
        // resampled means of {6.5, 0, 2}: the extremes are 0 and 6.5
        assertThat(pdis.low()).isBetween(0.0, pdis.value());
        assertThat(pdis.high()).isBetween(pdis.value(), 6.5);
        assertThat(pdis.high() - pdis.low()).isGreaterThan(1.0);
        assertThat(pdis.ess()).isCloseTo(1.0, within(1e-12));

        OpeEstimate exact =
                new Bootstrap(50, 0.9, new SplittableRandom(2))
                        .estimate(new DoublyRobust(), EXACT, GAMMA);
        assertThat(exact.low()).isCloseTo(2.8, within(1e-12));
        assertThat(exact.high()).isCloseTo(2.8, within(1e-12));
        OpeEstimate fqe =
                new Bootstrap(50, 0.9, new SplittableRandom(3))
                        .estimate(new DirectMethod(), ROUGH, GAMMA);
        assertThat(fqe.ess()).as("FQE weighs every episode alike").isEqualTo(3.0);
    }

    /**
     * Two fits that disagree: every episode's first-state value is 10 under fit A and 20 under fit
     * B. The estimate is their mean, 15. Resampling episodes alone changes nothing (every episode
     * has the same value within a fit), so a one-fit interval is a point; resampling the two fits
     * gives means of {A, A} = 10, {A, B} = 15, {B, B} = 20 with probabilities 1/4, 1/2, 1/4, so the
     * 95 % interval runs from 10 to 20: it shows the fits' disagreement.
     */
    @Test
    void bootstrapOverFitsWidensTheIntervalByTheirDisagreement() {
        List<LoggedEpisode> a = List.of(valued(10), valued(10), valued(10));
        List<LoggedEpisode> b = List.of(valued(20), valued(20), valued(20));

        OpeEstimate one =
                new Bootstrap(200, 0.95, new SplittableRandom(4))
                        .estimate(new DirectMethod(), a, GAMMA);
        OpeEstimate two =
                new Bootstrap(400, 0.95, new SplittableRandom(4))
                        .estimateOverFits(new DirectMethod(), List.of(a, b), GAMMA);

        assertThat(one.low()).isEqualTo(10.0);
        assertThat(one.high()).isEqualTo(10.0);
        assertThat(two.value()).isCloseTo(15.0, within(1e-12));
        assertThat(two.low()).isCloseTo(10.0, within(1e-12));
        assertThat(two.high()).isCloseTo(20.0, within(1e-12));
        assertThat(two.ess()).isEqualTo(3.0);
        assertThat(two.fits()).containsExactly(10.0, 20.0);
        assertThat(one.fits()).isEmpty();
        assertThatThrownBy(
                        () ->
                                new Bootstrap(50, 0.9, new SplittableRandom(1))
                                        .estimateOverFits(
                                                new DirectMethod(),
                                                List.of(a, b.subList(0, 2)),
                                                GAMMA))
                .hasMessageContaining("every fit needs the same 3 episodes, one has 2");
    }

    private static LoggedEpisode valued(double v) {
        return new LoggedEpisode(
                new double[] {1},
                new double[] {1},
                new double[] {1},
                new double[] {v},
                new double[] {v});
    }

    @Test
    void aBehaviourProbabilityOutsideTheUnitIntervalIsRefusedByName() {
        assertThatThrownBy(
                        () ->
                                LoggedEpisode.of(
                                        new double[] {1}, new double[] {0}, new double[] {1}))
                .hasMessageContaining("behavior_prob 0.0 is outside (0, 1]");
        assertThatThrownBy(() -> new Bootstrap(5, 0.95, new SplittableRandom(1)))
                .hasMessageContaining("use at least 10");
    }
}
