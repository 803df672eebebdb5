package io.replayflow.policy.assign;

import java.nio.charset.StandardCharsets;

/**
 * Which episodes a canary acts: a stable hash of the episode (or session) id against the canary's
 * share, so every process, restart and language gives the same answer for the same id and a share
 * of s gives the canary a fraction s of the ids.
 *
 * <p>The point of an id is {@code u = (mix(fnv1a64(utf8(id))) >>> 11) · 2⁻⁵³}, in [0, 1): FNV-1a
 * (64-bit offset basis {@code 0xcbf29ce484222325}, prime {@code 0x100000001b3}) over the id's UTF-8
 * bytes, then SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014) so that ids differing only in their last characters spread over the
 * whole interval. The id goes to the canary when {@code u < share}. Growing the share only adds ids
 * to the canary; shrinking it only takes them away.
 */
public final class CanarySplit {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private CanarySplit() {}

    /** The id's point in [0, 1). */
    public static double point(String id) {
        long h = FNV_OFFSET;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return (mix(h) >>> 11) * 0x1.0p-53;
    }

    /** True when the episode or session {@code id} goes to a canary holding {@code share}. */
    public static boolean toCanary(String id, double share) {
        return point(id) < share;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
