package io.replayflow.trainer.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.trainer.TrainerConfig;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FQE on real TensorFlow recovers the known {@code Q^pi} of a two-state MDP.
 *
 * <pre>
 * s0 = (1, 0), s1 = (0, 1); gamma = 0.9; pi(s0) = 1, pi(s1) = 0.
 * s0 --a0, r 0--> s1;  s0 --a1, r 1--> s1;  s1 --a0, r 2--> end;  s1 --a1, r 5--> end.
 * Q^pi(s1, 0) = 2,  Q^pi(s1, 1) = 5                (terminal: no bootstrap)
 * Q^pi(s0, 0) = 0 + .9 Q^pi(s1, pi(s1)) = 1.8,  Q^pi(s0, 1) = 1 + .9 * 2 = 2.8
 * </pre>
 *
 * The greedy value {@code max_a Q(s0, a)} would also be 2.8 but {@code max_a Q(s1, a)} is 5: a DQN
 * target would give {@code Q(s0, 1) = 1 + .9 * 5 = 5.5}, so the test tells FQE from Q-learning.
 */
@Timeout(120)
class FittedQEvaluationTest {

    @Test
    void recoversTheKnownQOfASmallMdp() {
        float[] s0 = {1, 0};
        float[] s1 = {0, 1};
        FqeData data =
                new FqeData(
                        concat(s0, s0, s1, s1),
                        new int[] {0, 1, 0, 1},
                        new float[] {0, 1, 2, 5},
                        new float[] {0.9f, 0.9f, 0, 0},
                        concat(s1, s1, s1, s1),
                        new int[] {0, 0, 0, 0},
                        2);
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.hidden", "16,16",
                                "trainer.lr", "0.003",
                                "trainer.batch-size", "16",
                                "trainer.loss", "mse",
                                "trainer.target.update-period", "50",
                                "trainer.threads.intra-op", "1",
                                "trainer.threads.inter-op", "1"));
        try (FittedQEvaluation fqe =
                FittedQEvaluation.fit(config, data, 2, 3_000, new SplittableRandom(5))) {
            float[][] q = fqe.q(concat(s0, s1), 2);
            assertThat((double) q[1][0]).isCloseTo(2.0, within(0.1));
            assertThat((double) q[1][1]).isCloseTo(5.0, within(0.1));
            assertThat((double) q[0][0]).isCloseTo(1.8, within(0.1));
            assertThat((double) q[0][1]).isCloseTo(2.8, within(0.1));
        }
    }

    /**
     * Iterate averaging hands over the network at evenly spaced steps of the last quarter: 40,000
     * steps and 5 iterates are steps 30,000, 32,500, 35,000, 37,500 and 40,000; one iterate is the
     * last step.
     */
    @Test
    void iteratesAreEvenlySpacedOverTheLastQuarter() {
        assertThat(FittedQEvaluation.iterateSteps(40_000, 5))
                .containsExactly(30_000L, 32_500L, 35_000L, 37_500L, 40_000L);
        assertThat(FittedQEvaluation.iterateSteps(40_000, 1)).containsExactly(40_000L);
        assertThatThrownBy(() -> FittedQEvaluation.iterateSteps(4, 3))
                .hasMessageContaining("have no 3 distinct steps in their last quarter");
        assertThatThrownBy(() -> FittedQEvaluation.iterateSteps(100, 0))
                .hasMessageContaining("give at least 1");
    }

    /**
     * The fit hands every iterate to the caller, and iterates late in training are all near the
     * known Q (the MDP of {@link #recoversTheKnownQOfASmallMdp}): their mean is too.
     */
    @Test
    void theAveragedIteratesRecoverTheKnownQ() {
        float[] s0 = {1, 0};
        float[] s1 = {0, 1};
        FqeData data =
                new FqeData(
                        concat(s0, s0, s1, s1),
                        new int[] {0, 1, 0, 1},
                        new float[] {0, 1, 2, 5},
                        new float[] {0.9f, 0.9f, 0, 0},
                        concat(s1, s1, s1, s1),
                        new int[] {0, 0, 0, 0},
                        2);
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.hidden", "16,16",
                                "trainer.lr", "0.003",
                                "trainer.batch-size", "16",
                                "trainer.loss", "mse",
                                "trainer.target.update-period", "50",
                                "trainer.threads.intra-op", "1",
                                "trainer.threads.inter-op", "1"));
        float[] states = concat(s0, s1);
        double[][] mean = new double[2][2];
        int[] seen = {0};
        FittedQEvaluation.fit(
                        config,
                        data,
                        2,
                        4_000,
                        new SplittableRandom(5),
                        Float.NEGATIVE_INFINITY,
                        Float.POSITIVE_INFINITY,
                        4,
                        fqe -> {
                            seen[0]++;
                            float[][] q = fqe.q(states, 2);
                            for (int s = 0; s < 2; s++) {
                                for (int a = 0; a < 2; a++) {
                                    mean[s][a] += q[s][a] / 4.0;
                                }
                            }
                        })
                .close();
        assertThat(seen[0]).isEqualTo(4);
        assertThat(mean[1][0]).isCloseTo(2.0, within(0.1));
        assertThat(mean[1][1]).isCloseTo(5.0, within(0.1));
        assertThat(mean[0][0]).isCloseTo(1.8, within(0.1));
        assertThat(mean[0][1]).isCloseTo(2.8, within(0.1));
    }

    /**
     * A state that loops on itself with reward 1 and gamma 1 has no finite value; with the
     * bootstrap value clipped to 5 the regression's fixed point is {@code Q = 1 + min(Q, 5) = 6}
     * instead of growing without end (the divergence clipping prevents in {@code ope}).
     */
    @Test
    void theBootstrapValueIsClippedToTheBound() {
        float[] s = {1, 0};
        FqeData loop =
                new FqeData(
                        concat(s, s),
                        new int[] {0, 1},
                        new float[] {1, 1},
                        new float[] {1, 1},
                        concat(s, s),
                        new int[] {0, 0},
                        2);
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.hidden", "16",
                                "trainer.lr", "0.003",
                                "trainer.batch-size", "16",
                                "trainer.loss", "mse",
                                "trainer.target.update-period", "50",
                                "trainer.threads.intra-op", "1",
                                "trainer.threads.inter-op", "1"));
        try (FittedQEvaluation fqe =
                FittedQEvaluation.fit(config, loop, 2, 3_000, new SplittableRandom(5), 5f)) {
            float[][] q = fqe.q(s, 1);
            assertThat((double) q[0][0]).isCloseTo(6.0, within(0.2));
            assertThat((double) q[0][1]).isCloseTo(6.0, within(0.2));
        }
    }

    /**
     * The range need not be symmetric: a state that loops with reward -1 at gamma 1, the bootstrap
     * clipped to [-3, 10], has the fixed point {@code Q = -1 + max(Q, -3) = -4}.
     */
    @Test
    void theBootstrapValueIsClippedToALowerBoundOfItsOwn() {
        float[] s = {1, 0};
        FqeData loop =
                new FqeData(
                        concat(s, s),
                        new int[] {0, 1},
                        new float[] {-1, -1},
                        new float[] {1, 1},
                        concat(s, s),
                        new int[] {0, 0},
                        2);
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.hidden", "16",
                                "trainer.lr", "0.003",
                                "trainer.batch-size", "16",
                                "trainer.loss", "mse",
                                "trainer.target.update-period", "50",
                                "trainer.threads.intra-op", "1",
                                "trainer.threads.inter-op", "1"));
        try (FittedQEvaluation fqe =
                FittedQEvaluation.fit(config, loop, 2, 3_000, new SplittableRandom(5), -3f, 10f)) {
            float[][] q = fqe.q(s, 1);
            assertThat((double) q[0][0]).isCloseTo(-4.0, within(0.2));
            assertThat((double) q[0][1]).isCloseTo(-4.0, within(0.2));
        }
    }

    private static float[] concat(float[]... rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }
}
