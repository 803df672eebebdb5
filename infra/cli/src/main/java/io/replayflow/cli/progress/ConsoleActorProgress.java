package io.replayflow.cli.progress;

import io.replayflow.actor.ActorProgressListener;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.ActorStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;

/**
 * Shows an {@link ActorRunner}'s progress on a console: the actors' {@link ProgressLine} every
 * interval and each swap notice on a line of its own. On a terminal ({@code inPlace}) the progress
 * line is rewritten in place with carriage returns; in a log file each report is a line. Not
 * thread-safe: the runner calls it from the one thread that awaits completion.
 */
public final class ConsoleActorProgress implements ActorProgressListener {

    private final PrintWriter out;
    private final boolean inPlace;
    private final String policyName;
    private int lastLength;

    /**
     * @param out where the lines go
     * @param inPlace rewrite one line with carriage returns (a terminal) instead of one line per
     *     interval (a log file)
     * @param policyName the policy the actors follow, named in the swap notices
     */
    public ConsoleActorProgress(PrintWriter out, boolean inPlace, String policyName) {
        this.out = Objects.requireNonNull(out, "out");
        this.inPlace = inPlace;
        this.policyName = Objects.requireNonNull(policyName, "policyName");
    }

    /**
     * Prints the runner's banner, then its progress until it completes, as {@code replayflow
     * actors} shows it.
     *
     * @return the final status
     * @throws io.replayflow.actor.ActorFailedException if an actor stopped on an error
     */
    public static ActorStatus await(ActorRunner runner, PrintWriter out, boolean inPlace) {
        out.println(ProgressLine.actorsBanner(runner));
        out.flush();
        return runner.awaitCompletion(
                new ConsoleActorProgress(out, inPlace, runner.config().policyName()));
    }

    @Override
    public void progress(ActorStatus status, double recentStepsPerSecond) {
        print(ProgressLine.actors(status, recentStepsPerSecond));
    }

    @Override
    public void swapped(long version, Duration loadTime) {
        notice(ProgressLine.swapped(policyName, version, loadTime));
    }

    @Override
    public void refused(ActorRunner.Refusal refusal, long keptVersion) {
        notice(ProgressLine.refused(policyName, refusal, keptVersion));
    }

    @Override
    public void finished(ActorStatus status) {
        print(ProgressLine.actors(status, status.stepsPerSecond()));
        if (inPlace) {
            out.println();
        }
        out.flush();
    }

    /** A notice keeps its own line: the next progress line starts below it. */
    private void notice(String line) {
        print(line);
        if (inPlace) {
            out.println();
        }
        lastLength = 0;
    }

    private void print(String line) {
        if (inPlace) {
            out.print('\r');
            out.print(line);
            for (int i = line.length(); i < lastLength; i++) {
                out.print(' ');
            }
        } else {
            out.println(line);
        }
        out.flush();
        lastLength = line.length();
    }
}
