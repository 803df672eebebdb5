package io.replayflow.actor;

import java.util.Locale;

/**
 * Formats the actors' progress line:
 *
 * <pre>
 * 1.25M steps  312.4k/s (now 318.0k/s) | 54,321 episodes | return(100) 22.1 | policy v3 | swaps 3, refused 1 | ETA 0:42
 * </pre>
 */
public final class ProgressLine {
    private ProgressLine() {}

    /**
     * @param current the status now
     * @param recentStepsPerSecond the rate over the last interval
     */
    public static String format(ActorStatus current, double recentStepsPerSecond) {
        StringBuilder s = new StringBuilder(128);
        s.append(count(current.steps())).append(" steps  ");
        s.append(count(current.stepsPerSecond())).append("/s");
        s.append(" (now ").append(count(recentStepsPerSecond)).append("/s)");
        s.append(" | ").append(String.format(Locale.ROOT, "%,d", current.episodes()));
        s.append(" episodes | return(100) ");
        s.append(
                Double.isNaN(current.recentMeanReturn())
                        ? "-"
                        : String.format(Locale.ROOT, "%.1f", current.recentMeanReturn()));
        s.append(" | policy v").append(current.policyVersion());
        s.append(" | swaps ").append(current.swaps());
        if (current.swapFailures() > 0) {
            s.append(", refused ").append(current.swapFailures());
        }
        if (current.publishBlocked() > 0) {
            s.append(" | blocked ").append(current.publishBlocked());
        }
        if (current.targetSteps() > 0) {
            long left = Math.max(0, current.targetSteps() - current.steps());
            double rate = current.stepsPerSecond();
            s.append(" | ETA ").append(rate > 0 ? clock((long) Math.ceil(left / rate)) : "?");
        }
        return s.toString();
    }

    /** 950, 12.3k, 1.25M. */
    static String count(double n) {
        if (n < 1_000) {
            return String.format(Locale.ROOT, "%.0f", n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    /** 0:42, 12:05, 1:02:03. */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long sec = seconds % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
