package io.replayflow.actor.internal;

/**
 * Derives independent seeds from one user seed, so that environments, the random policy and
 * exploration of every actor draw from unrelated streams and a run is reproducible from its seed.
 *
 * <pre>
 *   derive(seed, salt, index) = mix(mix(seed ^ salt) + index)
 * </pre>
 *
 * where mix is SplitMix64's finaliser (a bijection with full avalanche). Distinct salts name the
 * purposes; evaluation uses its own salt so evaluation episodes never replay training episodes.
 */
public final class Seeds {

    /** Base seed of actor k's VectorEnv. */
    public static final long ENVIRONMENTS = 0x656e762d73656564L;

    /** Actor k's version-0 random policy. */
    public static final long RANDOM_POLICY = 0x72616e646f6d3030L;

    /** Actor k's ε-greedy draws. */
    public static final long EXPLORATION = 0x6578706c6f726521L;

    /** Evaluation episodes (chunk k). */
    public static final long EVALUATION = 0x6576616c75617465L;

    /** The probe observation a policy is warmed up on. */
    public static final long PROBE = 0x70726f6265212121L;

    private Seeds() {}

    /** The seed for {@code index} (an actor, a chunk) of purpose {@code salt}. */
    public static long derive(long seed, long salt, long index) {
        return mix(mix(seed ^ salt) + index);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
