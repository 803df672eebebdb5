package io.replayflow.policy.assign;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CanarySplitTest {

    @Test
    void pointsMatchAnIndependentImplementation() {
        // Worked out with Python's integers (mod 2^64), the formula of the class Javadoc:
        //   h = 0xcbf29ce484222325; for b in id.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64
        //   z = ((h ^ h >> 30) * 0xbf58476d1ce4e5b9) % 2**64
        //   z = ((z ^ z >> 27) * 0x94d049bb133111eb) % 2**64; z ^= z >> 31
        //   point = (z >> 11) / 2**53
        assertThat(CanarySplit.point("")).isEqualTo(0.9576734252420561);
        assertThat(CanarySplit.point("host-a-0/17-k3x9f2m1qa-42")).isEqualTo(0.618885446469455);
        assertThat(CanarySplit.toCanary("host-a-0/17-k3x9f2m1qa-42", 0.62)).isTrue();
        assertThat(CanarySplit.toCanary("host-a-0/17-k3x9f2m1qa-42", 0.61)).isFalse();
    }

    @Test
    void theSameIdAlwaysGoesTheSameWay() {
        String id = "host-a-0/17-k3x9f2m1qa-42";
        double first = CanarySplit.point(id);
        for (int i = 0; i < 10; i++) {
            assertThat(CanarySplit.point(new String(id.toCharArray()))).isEqualTo(first);
        }
        assertThat(first).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
    }

    @Test
    void aShareOfSGivesTheCanaryAboutSOfTheIds() {
        int n = 200_000;
        for (double share : new double[] {0.05, 0.2, 0.5}) {
            int canary = 0;
            for (int i = 0; i < n; i++) {
                if (CanarySplit.toCanary("host-a-0/" + (i % 64) + "-nonce-" + i, share)) {
                    canary++;
                }
            }
            // Binomial standard deviation sqrt(n s (1-s)) is at most ~224 here; allow 5 of them.
            double sd = Math.sqrt(n * share * (1 - share));
            assertThat((double) canary).as("share %s", share).isCloseTo(n * share, within(5 * sd));
        }
    }

    @Test
    void growingTheShareOnlyAddsIds() {
        for (int i = 0; i < 10_000; i++) {
            String id = "episode-" + i;
            if (CanarySplit.toCanary(id, 0.2)) {
                assertThat(CanarySplit.toCanary(id, 0.5)).isTrue();
            }
        }
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }
}
