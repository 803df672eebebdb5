package io.replayflow.policy.stochastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SoftmaxSamplerTest {

    private static final int DRAWS = 100_000;

    @Test
    void sampledFrequenciesMatchTheLoggedProbabilitiesByChiSquare() {
        // One state with three actions, drawn 100k times as one batch. Every draw logs pi(a|s) of
        // its action; the frequencies must fit those logged probabilities.
        float[] stateLogits = {0.5f, -1.0f, 2.0f};
        int numActions = stateLogits.length;
        float[] logits = new float[DRAWS * numActions];
        for (int i = 0; i < DRAWS; i++) {
            System.arraycopy(stateLogits, 0, logits, i * numActions, numActions);
        }
        int[] actions = new int[DRAWS];
        float[] probs = new float[DRAWS];

        new SoftmaxSampler(new SplittableRandom(7))
                .sample(logits, DRAWS, numActions, actions, probs);

        long[] counts = new long[numActions];
        float[] logged = new float[numActions];
        for (int i = 0; i < DRAWS; i++) {
            counts[actions[i]]++;
            if (logged[actions[i]] != 0f) {
                assertThat(probs[i]).isEqualTo(logged[actions[i]]); // one probability per action
            }
            logged[actions[i]] = probs[i];
        }
        // Each logged probability is the softmax by hand: exp(l) / (e^0.5 + e^-1 + e^2).
        double z = Math.exp(0.5) + Math.exp(-1.0) + Math.exp(2.0);
        assertThat(logged[0]).isCloseTo((float) (Math.exp(0.5) / z), within(1e-6f));
        assertThat(logged[1]).isCloseTo((float) (Math.exp(-1.0) / z), within(1e-6f));
        assertThat(logged[2]).isCloseTo((float) (Math.exp(2.0) / z), within(1e-6f));
        double chiSquare = 0;
        for (int a = 0; a < numActions; a++) {
            double expected = DRAWS * (double) logged[a];
            chiSquare += Math.pow(counts[a] - expected, 2) / expected;
        }
        // 2 degrees of freedom; the 0.999 quantile of chi-square(2) is 13.82.
        assertThat(chiSquare).isLessThan(13.82);
    }

    @Test
    void chiSquareCatchesASamplerThatIgnoresTheLogits() {
        // The same check must fail for draws that do not follow the logged probabilities: uniform
        // draws logged as softmax([0.5, -1, 2]) give a chi-square in the tens of thousands.
        double z = Math.exp(0.5) + Math.exp(-1.0) + Math.exp(2.0);
        double[] logged = {Math.exp(0.5) / z, Math.exp(-1.0) / z, Math.exp(2.0) / z};
        SplittableRandom uniform = new SplittableRandom(7);
        long[] counts = new long[3];
        for (int i = 0; i < DRAWS; i++) {
            counts[uniform.nextInt(3)]++;
        }
        double chiSquare = 0;
        for (int a = 0; a < 3; a++) {
            chiSquare += Math.pow(counts[a] - DRAWS * logged[a], 2) / (DRAWS * logged[a]);
        }
        assertThat(chiSquare).isGreaterThan(13.82);
    }

    @Test
    void rowsAreSampledFromTheirOwnLogitsAndSeedsRepeat() {
        // Row 0 puts almost all mass on action 1, row 1 on action 0.
        float[] logits = {-20f, 20f, 20f, -20f};
        int[] actions = new int[2];
        float[] probs = new float[2];
        new SoftmaxSampler(new SplittableRandom(1)).sample(logits, 2, 2, actions, probs);
        assertThat(actions).containsExactly(1, 0);
        assertThat(probs[0]).isCloseTo(1f, within(1e-6f));

        float[] l = {0f, 0f, 0f, 0f, 0f, 0f};
        int[] first = new int[3];
        int[] second = new int[3];
        new SoftmaxSampler(new SplittableRandom(3)).sample(l, 3, 2, first, new float[3]);
        new SoftmaxSampler(new SplittableRandom(3)).sample(l, 3, 2, second, new float[3]);
        assertThat(second).containsExactly(first);
    }

    @Test
    void aNegligibleActionStillLogsAPositiveProbability() {
        float[] logits = {0f, -200f};
        double[] pi = new double[2];
        SoftmaxSampler.softmax(logits, 0, 2, pi);
        assertThat(pi[1]).isGreaterThan(0).isLessThan(1e-80);
        assertThat(pi[0] + pi[1]).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void greedyTakesTheFirstMaximumWithProbabilityOne() {
        int[] actions = new int[2];
        float[] probs = new float[2];
        SoftmaxSampler.greedy(new float[] {1f, 3f, 3f, 5f, 0f, 0f}, 2, 3, actions, probs);
        assertThat(actions).containsExactly(1, 0);
        assertThat(probs).containsExactly(1f, 1f);
    }

    @Test
    void nonFiniteLogitsNameTheRowAndAction() {
        assertThatThrownBy(
                        () ->
                                new SoftmaxSampler(new SplittableRandom(1))
                                        .sample(
                                                new float[] {0f, 0f, Float.NaN, 1f},
                                                2,
                                                2,
                                                new int[2],
                                                new float[2]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("logit NaN for action 0 of row 1");
    }
}
