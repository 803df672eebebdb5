package io.replayflow.actor.env;

import java.util.random.RandomGenerator;

/**
 * SplitMix64 (Steele, Lea and Flood, 2014), re-seedable in place so that an environment's reset
 * allocates nothing. Each {@link #nextLong()} adds the golden-ratio increment to the state and
 * returns {@link #mix} of it; the same stream as {@code new SplittableRandom(seed)}, but fixed by
 * this code rather than by the JDK. Not thread-safe.
 */
final class SplitMix64 implements RandomGenerator {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private long state;

    /** Restarts the stream from {@code seed}. */
    void reseed(long seed) {
        state = seed;
    }

    @Override
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** SplitMix64's output function: a bijection on 64-bit values with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
