package io.replayflow.actor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RandomPolicyTest {

    @Test
    void isVersionZeroAndLogsOneOverTheNumberOfActions() {
        RandomPolicy policy = new RandomPolicy(3, 4, new SplittableRandom(1));
        int[] actions = new int[64];
        float[] probs = new float[64];
        policy.act(new float[64 * 4], 64, actions, probs);
        assertThat(policy.version()).isZero();
        assertThat(policy.deterministic()).isFalse();
        assertThat(probs).containsOnly(1f / 3);
        assertThat(java.util.Arrays.stream(actions).allMatch(a -> a >= 0 && a <= 2)).isTrue();
    }

    @Test
    void drawsUniformly() {
        RandomPolicy policy = new RandomPolicy(4, 1, new SplittableRandom(2));
        int n = 400_000;
        int[] actions = new int[n];
        policy.act(new float[n], n, actions, new float[n]);
        int[] counts = new int[4];
        for (int a : actions) {
            counts[a]++;
        }
        for (int c : counts) {
            assertThat(c / (double) n).isCloseTo(0.25, within(0.004));
        }
    }

    @Test
    void sameSeedSameActions() {
        int[] a = new int[100];
        int[] b = new int[100];
        new RandomPolicy(2, 1, new SplittableRandom(5)).act(new float[100], 100, a, new float[100]);
        new RandomPolicy(2, 1, new SplittableRandom(5)).act(new float[100], 100, b, new float[100]);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void rejectsAnEmptyActionSpace() {
        assertThatThrownBy(() -> new RandomPolicy(0, 4, new SplittableRandom(1)))
                .hasMessageContaining("numActions >= 1")
                .hasMessageContaining("got numActions=0");
    }
}
