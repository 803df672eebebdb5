package io.replayflow.cli.progress;

import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.replay.backfill.Backfill;
import io.replayflow.trainer.StepMetrics;
import io.replayflow.trainer.TrainProgress;
import io.replayflow.trainer.checkpoint.SettingChange;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.run.ContinuousTrainerStatus;
import io.replayflow.trainer.run.TrainListener;
import io.replayflow.trainer.run.TrainStart;
import java.io.PrintWriter;
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
 * <p>And the actors' banner ({@link #actorsBanner}) and swap notices ({@link #swapped}, {@link
 * #refused}). Stateless and thread-safe.
 */
public final class ProgressLine {
    private ProgressLine() {}

    /**
     * The line {@code replayflow actors} starts with: what runs, where, which seed, where the
     * metrics are.
     *
     * <pre>
     * actors: 1 x 64 CartPole-v1 envs -> rf.transitions at 127.0.0.1:9092 | policy 'CartPole-v1' (acting with v0; v0 random) | epsilon 0.05 | seed 7 | run 3f2a9c | metrics http://127.0.0.1:9404/metrics
     * </pre>
     */
    public static String actorsBanner(ActorRunner runner) {
        ActorConfig config = runner.config();
        return String.format(
                Locale.ROOT,
                "actors: %d x %d %s envs -> %s at %s | policy '%s' (acting with v%d; v0 %s) | %s |"
                        + " seed %d | run %s%s",
                config.actors(),
                config.envsPerActor(),
                config.envId(),
                config.topics().transitions(),
                config.bootstrapServers(),
                config.policyName(),
                runner.actingVersion(),
                config.behaviour(),
                epsilon(config.epsilon()),
                config.seed(),
                runner.runNonce(),
                runner.metricsUrl().map(url -> " | metrics " + url).orElse(""));
    }

    /**
     * Prints a training run on {@code out} as {@code replayflow train} shows it: a header line, the
     * trainer's line ({@link #trainer}) at each report, and the export line.
     */
    public static TrainListener trainListener(PrintWriter out) {
        return new TrainListener() {
            @Override
            public void started(TrainStart start) {
                println(out, trainStart(start));
            }

            @Override
            public void progress(TrainProgress progress) {
                println(out, trainer(progress));
            }

            @Override
            public void exported(PolicyArtifact artifact, String publishedOn) {
                println(out, ProgressLine.exported(artifact, publishedOn));
            }
        };
    }

    /**
     * A training run's header.
     *
     * <pre>
     * training cartpole (cql) on 100,000 transitions from file:/data/rf/experience/, 1-step targets; fresh to step 30,000
     * </pre>
     *
     * A resumed run whose learning settings differ from its checkpoint's says which, e.g. {@code
     * ...; resuming at step 30,000 to step 60,000 (checkpoints in DIR); changed since the
     * checkpoint: trainer.n-step 1 -> 3 (the new values apply)}.
     */
    public static String trainStart(TrainStart s) {
        return String.format(
                        Locale.ROOT,
                        "training %s (%s) on %,d transitions from %s, %s targets; %s to step %,d%s",
                        s.policyName(),
                        s.algo().id(),
                        s.transitions(),
                        s.dataset(),
                        s.nStepTargets() ? "n-step" : "1-step",
                        s.startStep() > 0
                                ? "resuming at step "
                                        + String.format(Locale.ROOT, "%,d", s.startStep())
                                : "fresh",
                        s.targetStep(),
                        s.startStep() > 0 ? " (checkpoints in " + s.checkpoints() + ")" : "")
                + (s.changedSettings().isEmpty()
                        ? ""
                        : "; changed since the checkpoint: "
                                + SettingChange.describe(s.changedSettings())
                                + " (the new values apply)");
    }

    /** The line after an export: {@code exported cartpole version 3 at step 30000 to DIR}. */
    public static String exported(PolicyArtifact artifact, String publishedOn) {
        return "exported "
                + artifact.policyName()
                + " version "
                + artifact.version()
                + " at step "
                + artifact.manifest().trainStep()
                + " to "
                + artifact.dir()
                + (publishedOn == null ? "" : ", published on " + publishedOn);
    }

    private static void println(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    private static String epsilon(EpsilonSchedule schedule) {
        if (schedule instanceof EpsilonSchedule.Linear l) {
            return "epsilon " + l.start() + " -> " + l.end() + " over " + l.decaySteps() + " steps";
        }
        return "epsilon " + schedule.epsilon(0);
    }

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

    /**
     * The continuous trainer's line ({@code learn}):
     *
     * <pre>
     * training | step 12,000 | 1,850 steps/s | loss 0.0412 | v12 | 52.3k transitions
     * </pre>
     *
     * A policy-gradient learner adds its policy lag (versions and seconds) and importance ratio
     * ({@code | lag 1.2 v / 3.4 s | ratio 1.01 (max 2.30)}); then {@code | <message>} when the
     * trainer has a note (e.g. a failed publish).
     */
    public static String learner(ContinuousTrainerStatus s) {
        StringBuilder line = new StringBuilder(96);
        line.append(s.phase().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        line.append(String.format(Locale.ROOT, " | step %,d", s.trainerStep()));
        line.append(String.format(Locale.ROOT, " | %,.0f steps/s", s.stepsPerSecond()));
        line.append(" | loss ")
                .append(
                        Float.isNaN(s.lastLoss())
                                ? "-"
                                : String.format(Locale.ROOT, "%.4g", s.lastLoss()));
        line.append(" | v").append(s.lastPublishedVersion());
        line.append(" | ").append(count(s.transitionsLoaded())).append(" transitions");
        Double lag = s.metrics().get(TrainerMetrics.POLICY_LAG_VERSIONS);
        Double ratio = s.metrics().get(TrainerMetrics.IMPORTANCE_RATIO_MEAN);
        if (lag != null && ratio != null) {
            line.append(
                    String.format(
                            Locale.ROOT,
                            " | lag %.1f v / %.1f s | ratio %.2f (max %.2f)",
                            lag,
                            s.metrics().getOrDefault(TrainerMetrics.POLICY_LAG_SECONDS, 0.0),
                            ratio,
                            s.metrics().getOrDefault(TrainerMetrics.IMPORTANCE_RATIO_MAX, 0.0)));
        }
        if (!s.message().isEmpty()) {
            line.append(" | ").append(s.message());
        }
        return line.toString();
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
