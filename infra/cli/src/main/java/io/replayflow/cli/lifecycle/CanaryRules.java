package io.replayflow.cli.lifecycle;

import java.util.Locale;

/**
 * The decision rules of automatic mode, as pure functions; {@link LifecycleController} applies them
 * to the topics (see docs/LIFECYCLE.md).
 *
 * <ul>
 *   <li><b>Gate</b>: a candidate may become the canary only if its OPE lower bound is no worse than
 *       the champion's estimate minus {@code margin}: {@code low_cand ≥ est_champ − margin}.
 *   <li><b>Promote</b>: once both the canary and the champion have at least {@code promoteEpisodes}
 *       live episodes, when the canary's mean is at least the champion's and the one-sided lower
 *       confidence bound of the difference is above {@code −tolerance}: {@code d = m_can − m_champ
 *       ≥ 0} and {@code d − z·se ≥ −tolerance}, {@code se = √(se_can² + se_champ²)} (Welch's
 *       standard error of a difference of means, normal approximation).
 *   <li><b>Promote early</b> (when {@code earlyPromoteEpisodes} > 0): once both sides have at least
 *       {@code earlyPromoteEpisodes} episodes, before N, when the canary is better with confidence:
 *       {@code d − z·se > 0}, the mirror image of the rollback rule. A canary far better than its
 *       champion (a young policy's first good version) then takes over after a few episodes instead
 *       of N.
 *   <li><b>Roll back</b>: once the canary has at least {@code rollbackEpisodes} episodes (and the
 *       champion as many), when it is worse with confidence: {@code d + z·se < 0}.
 * </ul>
 *
 * @param margin OPE gate margin, in return units (≥ 0)
 * @param tolerance how far below the champion the promotion bound may reach (≥ 0)
 * @param z one-sided normal quantile of the stated confidence (1.645 for 95%)
 * @param promoteEpisodes N, the episodes each side needs before a promotion
 * @param rollbackEpisodes the episodes each side needs before a rollback
 * @param earlyPromoteEpisodes the episodes each side needs before a promotion of a canary better
 *     with confidence, at most {@code promoteEpisodes}; 0: no promotion before N
 */
public record CanaryRules(
        double margin,
        double tolerance,
        double z,
        long promoteEpisodes,
        long rollbackEpisodes,
        long earlyPromoteEpisodes) {

    /** 95% one-sided. */
    public static final double Z95_ONE_SIDED = 1.6448536269514722;

    public CanaryRules {
        if (!(margin >= 0) || !(tolerance >= 0) || !(z > 0)) {
            throw new IllegalArgumentException(
                    "margin and tolerance must be >= 0 and z > 0; got "
                            + margin
                            + ", "
                            + tolerance
                            + ", "
                            + z);
        }
        if (promoteEpisodes < 2 || rollbackEpisodes < 2) {
            throw new IllegalArgumentException(
                    "promotion and rollback need at least 2 episodes per side for an interval");
        }
        if (earlyPromoteEpisodes != 0
                && (earlyPromoteEpisodes < 2 || earlyPromoteEpisodes > promoteEpisodes)) {
            throw new IllegalArgumentException(
                    "an early promotion needs at least 2 episodes per side and at most the"
                            + " promotion's "
                            + promoteEpisodes
                            + " (0: none); got "
                            + earlyPromoteEpisodes);
        }
    }

    /** Rules without early promotion. */
    public CanaryRules(
            double margin,
            double tolerance,
            double z,
            long promoteEpisodes,
            long rollbackEpisodes) {
        this(margin, tolerance, z, promoteEpisodes, rollbackEpisodes, 0);
    }

    /** What to do with a running canary. */
    public enum Verdict {
        WAIT,
        PROMOTE,
        ROLL_BACK
    }

    /** A verdict and its reason in words. */
    public record Decision(Verdict verdict, String reason) {}

    /** Whether a candidate with OPE lower bound {@code low} may become the canary. */
    public Decision gate(long candidate, double low, long champion, double championEstimate) {
        boolean pass = low >= championEstimate - margin;
        return new Decision(
                pass ? Verdict.PROMOTE : Verdict.WAIT,
                String.format(
                        Locale.ROOT,
                        "v%d's OPE lower bound %.1f is %s v%d's estimate %.1f minus margin %.1f",
                        candidate,
                        low,
                        pass ? "no worse than" : "below",
                        champion,
                        championEstimate,
                        margin));
    }

    /** The verdict on a canary from the live returns of both versions. */
    public Decision judge(
            long canaryVersion, LiveReturn canary, long championVersion, LiveReturn champion) {
        long n = Math.min(episodes(canary), episodes(champion));
        long first =
                earlyPromoteEpisodes == 0
                        ? rollbackEpisodes
                        : Math.min(rollbackEpisodes, earlyPromoteEpisodes);
        if (n < first) {
            return new Decision(Verdict.WAIT, "fewer than " + first + " episodes");
        }
        double d = canary.mean() - champion.mean();
        double se = Math.hypot(canary.standardError(), champion.standardError());
        String figures =
                String.format(
                        Locale.ROOT,
                        "canary v%d %.1f over %d episodes vs champion v%d %.1f over %d (difference"
                                + " %.1f ± %.1f at z %.3f)",
                        canaryVersion,
                        canary.mean(),
                        canary.episodes(),
                        championVersion,
                        champion.mean(),
                        champion.episodes(),
                        d,
                        z * se,
                        z);
        if (n >= rollbackEpisodes && d + z * se < 0) {
            return new Decision(Verdict.ROLL_BACK, "worse with confidence: " + figures);
        }
        if (n >= promoteEpisodes && d >= 0 && d - z * se >= -tolerance) {
            return new Decision(Verdict.PROMOTE, "at least as good with confidence: " + figures);
        }
        if (earlyPromoteEpisodes > 0 && n >= earlyPromoteEpisodes && d - z * se > 0) {
            return new Decision(
                    Verdict.PROMOTE,
                    "better with confidence after "
                            + n
                            + " episodes a side (at least "
                            + earlyPromoteEpisodes
                            + " for an early promotion): "
                            + figures);
        }
        return new Decision(Verdict.WAIT, "not decided yet: " + figures);
    }

    private static long episodes(LiveReturn r) {
        return r == null ? 0 : r.episodes();
    }
}
