package io.replayflow.cli.progress;

import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.replay.backfill.Backfill;
import io.replayflow.trainer.StepMetrics;
import io.replayflow.trainer.TrainProgress;
import java.time.Duration;
import java.util.Locale;

/**
 * The console's progress lines, formatted from the data the services report (they never format a
 * line themselves). The text is what users read and what scripts may grep: change it knowingly.
 *
 * <p>The actors' line ({@link #actors}):
 *
 * <pre>
 * 1.25M steps  312.4k/s (now 318.0k/s) | 54,321 episodes | return(100) 22.1 | policy v3 | swaps 3, refused 1 | ETA 0:42
 * </pre>
 *
 * <p>The trainer's line ({@link #trainer}):
 *
 * <pre>
 * step 12,000/30,000 (40.0%) | 1,850 steps/s | ETA 0:00:10 | loss 0.0412 (td 0.0301, cql 0.0111) | q 48.2
 * </pre>
 *
 * <p>The backfill's line ({@link #backfill}):
 *
 * <pre>
 * rows 1.25M/3.40M (36.8%) | partitions 12/30 | 612.3k rows/s | ETA 0:04
 * </pre>
 *
 * <p>And the actors' swap notices ({@link #swapped}, {@link #refused}). Stateless and thread-safe.
 */
public final class ProgressLine {
    private ProgressLine() {}

    /**
     * The actors' line.
     *
     * @param current the status now
     * @param recentStepsPerSecond the rate over the last interval
     */
    public static String actors(ActorStatus current, double recentStepsPerSecond) {
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

    /** The backfill's line: log rows read of those in range, partitions reached, rate, ETA. */
    public static String backfill(Backfill.Progress p) {
        double seconds = p.elapsed().toNanos() / 1e9;
        double rate = seconds > 0 ? p.rowsRead() / seconds : 0;
        long left = Math.max(0, p.rowsTotal() - p.rowsRead());
        double pct = p.rowsTotal() == 0 ? 100 : 100.0 * p.rowsRead() / p.rowsTotal();
        return String.format(
                Locale.ROOT,
                "rows %s/%s (%.1f%%) | partitions %d/%d | %s rows/s | ETA %s",
                count(p.rowsRead()),
                count(p.rowsTotal()),
                pct,
                p.partitionsRead(),
                p.partitionsTotal(),
                count(rate),
                rate > 0 ? clock((long) Math.ceil(left / rate)) : "?");
    }

    /** The trainer's line: steps done of the target, this run's steps/s, ETA, latest losses. */
    public static String trainer(TrainProgress p) {
        StepMetrics m = p.metrics();
        long step = m.step();
        long target = p.targetStep();
        double rate = p.stepsPerSecond();
        String eta =
                rate > 0
                        ? duration(Duration.ofMillis((long) ((target - step) / rate * 1000)))
                        : "?";
        double pct = target == 0 ? 100 : 100.0 * step / target;
        return String.format(
                Locale.ROOT,
                "step %,d/%,d (%.1f%%) | %,.0f steps/s | ETA %s | loss %.4g (td %.4g, cql %.4g) | q"
                        + " %.4g",
                step,
                target,
                pct,
                rate,
                eta,
                m.totalLoss(),
                m.tdLoss(),
                m.conservativeLoss(),
                m.meanQ());
    }

    /** The actors swapped in a newer version of {@code policyName}. */
    public static String swapped(String policyName, long version, Duration loadTime) {
        return String.format(
                Locale.ROOT,
                "policy '%s' v%d swapped in (%d ms to verify, load and warm up)",
                policyName,
                version,
                loadTime.toMillis());
    }

    /** The actors refused a version of {@code policyName} and act on with {@code keptVersion}. */
    public static String refused(String policyName, ActorRunner.Refusal refusal, long keptVersion) {
        return String.format(
                Locale.ROOT,
                "policy '%s' v%d refused [%s]: %s; still acting with v%d",
                policyName,
                refusal.version(),
                refusal.reason(),
                refusal.message(),
                keptVersion);
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

    /** 0:00:10, 1:02:03 (hours always shown). */
    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
