package io.replayflow.actor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.testing.FixedPolicy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class EpsilonGreedyTest {

    @ParameterizedTest
    @CsvSource({"0.0, 2", "0.1, 2", "0.1, 3", "0.5, 4", "1.0, 2", "1.0, 3"})
    void logsTheExactBehaviourProbabilityOfEveryChosenAction(double epsilon, int numActions) {
        // μ(greedy) = ε/|A| + (1 − ε); μ(other) = ε/|A|. E.g. ε = 0.1, |A| = 2: 0.95 and 0.05.
        float greedyProb = (float) (epsilon / numActions + (1 - epsilon));
        float otherProb = (float) (epsilon / numActions);
        int greedy = numActions - 1;
        FixedPolicy policy = new FixedPolicy(3, greedy, numActions, 4);
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.constant(epsilon), new SplittableRandom(11));
        int batch = 1000;
        int[] actions = new int[batch];
        float[] probs = new float[batch];

        double applied = explorer.act(policy, 0, new float[batch * 4], batch, actions, probs);

        assertThat(applied).isEqualTo(epsilon);
        for (int i = 0; i < batch; i++) {
            assertThat(probs[i]).isEqualTo(actions[i] == greedy ? greedyProb : otherProb);
            assertThat(probs[i]).isGreaterThan(0f).isLessThanOrEqualTo(1f);
        }
        assertThat(EpsilonGreedy.greedyProbability(epsilon, numActions)).isEqualTo(greedyProb);
        assertThat(EpsilonGreedy.exploratoryProbability(epsilon, numActions)).isEqualTo(otherProb);
    }

    @Test
    void chosenActionsFollowTheLoggedDistribution() {
        // ε = 0.3, |A| = 3: greedy 0.1 + 0.7 = 0.8, each other action 0.1.
        FixedPolicy policy = new FixedPolicy(1, 2, 3, 1);
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.constant(0.3), new SplittableRandom(5));
        int n = 300_000;
        int[] actions = new int[n];
        float[] probs = new float[n];
        explorer.act(policy, 0, new float[n], n, actions, probs);
        int[] counts = new int[3];
        for (int a : actions) {
            counts[a]++;
        }
        // Binomial standard deviation at n = 300k is ~0.0007; allow 5 sigma.
        assertThat(counts[2] / (double) n).isCloseTo(0.8, within(0.004));
        assertThat(counts[0] / (double) n).isCloseTo(0.1, within(0.003));
        assertThat(counts[1] / (double) n).isCloseTo(0.1, within(0.003));
    }

    @Test
    void epsilonZeroKeepsTheGreedyActionWithProbabilityOne() {
        FixedPolicy policy = new FixedPolicy(1, 1, 2, 4);
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.constant(0.0), new SplittableRandom(1));
        int[] actions = new int[8];
        float[] probs = new float[8];
        explorer.act(policy, 0, new float[32], 8, actions, probs);
        assertThat(actions).containsOnly(1);
        assertThat(probs).containsOnly(1f);
    }

    @Test
    void aStochasticPolicyIsUsedAsItIs() {
        RandomPolicy random = new RandomPolicy(4, 2, new SplittableRandom(3));
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.constant(0.5), new SplittableRandom(1));
        int[] actions = new int[100];
        float[] probs = new float[100];
        double applied = explorer.act(random, 0, new float[200], 100, actions, probs);
        assertThat(applied).isZero();
        assertThat(probs).containsOnly(0.25f);
    }

    @Test
    void epsilonFollowsTheScheduleAtTheActorsStepCount() {
        FixedPolicy policy = new FixedPolicy(1, 0, 2, 1);
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.linear(1.0, 0.0, 100), new SplittableRandom(1));
        int[] actions = new int[4];
        float[] probs = new float[4];
        assertThat(explorer.act(policy, 0, new float[4], 4, actions, probs)).isEqualTo(1.0);
        assertThat(explorer.act(policy, 50, new float[4], 4, actions, probs)).isEqualTo(0.5);
        assertThat(explorer.act(policy, 100, new float[4], 4, actions, probs)).isEqualTo(0.0);
        assertThat(probs).containsOnly(1f);
    }

    @Test
    void sameSeedSameExploration() {
        FixedPolicy policy = new FixedPolicy(1, 0, 3, 1);
        int[] a = new int[500];
        int[] b = new int[500];
        float[] probs = new float[500];
        new EpsilonGreedy(EpsilonSchedule.constant(0.4), new SplittableRandom(9))
                .act(policy, 0, new float[500], 500, a, probs);
        new EpsilonGreedy(EpsilonSchedule.constant(0.4), new SplittableRandom(9))
                .act(policy, 0, new float[500], 500, b, probs);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void aSpreadGivesSlotIItsApeXRateAndLogsThatRatesProbability() {
        // 4 slots, spread 3, schedule ε = 0.5: slot i at 0.5^(1 + 3 i / 3) = 0.5, 0.25, 0.125,
        // 0.0625. Greedy μ = ε/2 + (1 − ε): 0.75, 0.875, 0.9375, 0.96875.
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.constant(0.5), 3.0, 4, new SplittableRandom(3));
        assertThat(explorer.epsilon(0, 0)).isEqualTo(0.5);
        assertThat(explorer.epsilon(0, 1)).isEqualTo(0.25);
        assertThat(explorer.epsilon(0, 2)).isEqualTo(0.125);
        assertThat(explorer.epsilon(0, 3)).isEqualTo(0.0625);
        FixedPolicy policy = new FixedPolicy(1, 1, 2, 1);
        float[] greedy = {0.75f, 0.875f, 0.9375f, 0.96875f};
        int[] explored = new int[4];
        int rounds = 20_000;
        int[] actions = new int[4];
        float[] probs = new float[4];
        for (int r = 0; r < rounds; r++) {
            double applied = explorer.act(policy, 0, new float[4], 4, actions, probs);
            assertThat(applied).as("the schedule's rate, slot 0's").isEqualTo(0.5);
            for (int slot = 0; slot < 4; slot++) {
                assertThat(probs[slot])
                        .isEqualTo(actions[slot] == 1 ? greedy[slot] : 1 - greedy[slot]);
                explored[slot] += actions[slot] == 1 ? 0 : 1;
            }
        }
        // The other action comes at ε_i / 2: 0.25, 0.125, 0.0625, 0.03125 (5 sigma at 20k draws).
        assertThat(explored[0] / (double) rounds).isCloseTo(0.25, within(0.016));
        assertThat(explored[1] / (double) rounds).isCloseTo(0.125, within(0.012));
        assertThat(explored[2] / (double) rounds).isCloseTo(0.0625, within(0.009));
        assertThat(explored[3] / (double) rounds).isCloseTo(0.03125, within(0.007));
    }

    @Test
    void gatheredRowsTakeTheRateOfTheSlotTheyCameFrom() {
        // Rows 0 and 1 come from slots 3 and 0 (a group acting one version): rates 0.0625 and 0.5.
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.constant(0.5), 3.0, 4, new SplittableRandom(8));
        FixedPolicy policy = new FixedPolicy(1, 0, 2, 1);
        int[] actions = new int[2];
        float[] probs = new float[2];
        for (int r = 0; r < 1_000; r++) {
            explorer.act(policy, 0, new float[2], 2, new int[] {3, 0}, actions, probs);
            assertThat(probs[0]).isEqualTo(actions[0] == 0 ? 0.96875f : 0.03125f);
            assertThat(probs[1]).isEqualTo(actions[1] == 0 ? 0.75f : 0.25f);
        }
    }

    @Test
    void noSpreadDrawsExactlyAsBefore() {
        FixedPolicy policy = new FixedPolicy(1, 0, 3, 1);
        int[] a = new int[500];
        int[] b = new int[500];
        float[] pa = new float[500];
        float[] pb = new float[500];
        new EpsilonGreedy(EpsilonSchedule.constant(0.4), new SplittableRandom(9))
                .act(policy, 0, new float[500], 500, a, pa);
        new EpsilonGreedy(EpsilonSchedule.constant(0.4), 0.0, 500, new SplittableRandom(9))
                .act(policy, 0, new float[500], 500, b, pb);
        assertThat(a).isEqualTo(b);
        assertThat(pa).isEqualTo(pb);
    }

    @Test
    void aNegativeSpreadIsRefusedWithTheFix() {
        assertThatThrownBy(
                        () ->
                                new EpsilonGreedy(
                                        EpsilonSchedule.constant(0.4),
                                        -1.0,
                                        4,
                                        new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "epsilon spread must be a finite number >= 0 (0: every environment at the"
                                + " schedule's epsilon; Ape-X uses 7); got -1.0");
    }
}
