package io.replayflow.actor.env;

/**
 * The reset seed of every episode a {@link VectorEnv} runs, derived from (base seed, slot, episode
 * index) alone, so a run can be replayed slot by slot and episode by episode.
 *
 * <pre>
 *   seed(s, i, k) = mix(mix(mix(s) + i) + k)
 * </pre>
 *
 * where mix is SplitMix64's output function, a bijection with full avalanche, so neighbouring
 * slots, episodes and base seeds get unrelated seeds.
 */
public final class EpisodeSeeds {
    private EpisodeSeeds() {}

    /** The seed for episode {@code episode} (0-based) of slot {@code slot}. */
    public static long of(long baseSeed, int slot, long episode) {
        return SplitMix64.mix(SplitMix64.mix(SplitMix64.mix(baseSeed) + slot) + episode);
    }
}
