package io.replayflow.trainer;

import java.util.random.RandomGenerator;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA
 * 2014): a 64-bit state advanced by the golden-ratio increment and scrambled by a fixed mix. Its
 * whole state is one {@code long}, which {@link #state()} exposes so a checkpoint can store it and
 * a resumed trainer draws exactly the batches an uninterrupted one would have.
 *
 * <p>Not thread-safe; owned by one thread.
 */
public final class SeededRandom implements RandomGenerator {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** A generator for a named purpose, independent of others derived from the same seed. */
    public static SeededRandom derive(long seed, long stream) {
        return new SeededRandom(mix(seed ^ mix(stream + GOLDEN_GAMMA)));
    }

    @Override
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** The whole state; {@code new SeededRandom(0).restore(s)} continues the same sequence. */
    public long state() {
        return state;
    }

    public void restore(long state) {
        this.state = state;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
