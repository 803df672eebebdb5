package io.replayflow.actor.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SplitMix64Test {

    @Test
    void reseedingRestartsTheSameStreamAsSplittableRandom() {
        SplitMix64 random = new SplitMix64();
        for (long seed : new long[] {0L, 1L, -7L, 123_456_789L}) {
            random.reseed(seed);
            SplittableRandom reference = new SplittableRandom(seed);
            for (int i = 0; i < 100; i++) {
                assertThat(random.nextLong()).isEqualTo(reference.nextLong());
            }
        }
    }

    @Test
    void mixIsSplitMix64sPublishedOutputFunction() {
        // The first output of SplitMix64 seeded with 0 is mix(0x9e3779b97f4a7c15).
        assertThat(SplitMix64.mix(0x9e3779b97f4a7c15L)).isEqualTo(0xe220a8397b1dcdafL);
    }
}
