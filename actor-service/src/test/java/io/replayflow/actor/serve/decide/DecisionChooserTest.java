package io.replayflow.actor.serve.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.policy.Policy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DecisionChooserTest {

    /**
     * Q(s, a) = fixed values [1, 5, 3, 2]: greedy is 1, greedy among {0, 2, 3} is 2. Its {@code
     * action} is {@code action}: 1 (argmax Q), or another one for a policy that filters its argmax
     * as BCQ does.
     */
    private static final class FixedQ implements Policy {
        private final int action;

        FixedQ() {
            this(1);
        }

        FixedQ(int action) {
            this.action = action;
        }

        public long version() {
            return 7;
        }

        public int numActions() {
            return 4;
        }

        public int observationSize() {
            return 1;
        }

        public boolean deterministic() {
            return true;
        }

        public boolean hasQValues() {
            return true;
        }

        public void act(float[] obs, int batch, int[] a, float[] p) {
            java.util.Arrays.fill(a, 0, batch, action);
            java.util.Arrays.fill(p, 0, batch, 1f);
        }

        public void qValues(float[] obs, int rows, float[] q) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(new float[] {1, 5, 3, 2}, 0, q, i * 4, 4);
            }
        }

        public void close() {}
    }

    @Test
    void greedyOverTheAllowedSetWithExactProbabilities() {
        // eps = 0.2, k = 3 allowed: greedy 2 has 0.2/3 + 0.8 = 0.8667, others 0.2/3 = 0.0667.
        DecisionChooser chooser = new DecisionChooser(0.2, new SplittableRandom(1));
        int n = 200_000;
        int[] actions = new int[n];
        float[] probs = new float[n];
        int[][] allowed = new int[n][];
        java.util.Arrays.fill(allowed, new int[] {0, 2, 3});
        chooser.choose(new FixedQ(), new float[n], n, allowed, actions, probs);
        int[] counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[actions[i]]++;
            assertThat(probs[i])
                    .isEqualTo(actions[i] == 2 ? 0.2f / 3 + 0.8f : 0.2f / 3, within(1e-6f));
        }
        assertThat(counts[1]).isZero();
        assertThat(counts[2] / (double) n).isCloseTo(0.2 / 3 + 0.8, within(0.005));
        assertThat(counts[0] / (double) n).isCloseTo(0.2 / 3, within(0.005));
    }

    @Test
    void withoutMaskTheArgmaxOfAllActions() {
        DecisionChooser chooser = new DecisionChooser(0.0, new SplittableRandom(1));
        int[] actions = new int[1];
        float[] probs = new float[1];
        chooser.choose(new FixedQ(), new float[1], 1, new int[1][], actions, probs);
        assertThat(actions[0]).isEqualTo(1);
        assertThat(probs[0]).isEqualTo(1.0f);
    }

    @Test
    void aPolicyWhoseActionIsNotTheArgmaxOfItsQValuesKeepsItsAction() {
        // BCQ's artifact: action 3 (the best action its filter allows), q_values unfiltered with
        // argmax 1. Unmasked and masked to a set holding 3, the client gets 3; masked to {0, 2}
        // (3 left out) the argmax of Q over {0, 2} is 2.
        DecisionChooser chooser = new DecisionChooser(0.0, new SplittableRandom(1));
        int[] actions = new int[3];
        float[] probs = new float[3];
        int[][] allowed = {null, new int[] {1, 3}, new int[] {0, 2}};
        chooser.choose(new FixedQ(3), new float[3], 3, allowed, actions, probs);
        assertThat(actions).containsExactly(3, 3, 2);
        assertThat(probs).containsOnly(1.0f);
    }
}
