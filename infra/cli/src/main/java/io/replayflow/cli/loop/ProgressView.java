package io.replayflow.cli.loop;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The demo's live progress line: env steps/s, ingest lag, trainer steps/s, current policy version,
 * recent mean return, last evaluation and time left. On a terminal it rewrites one line; in a log
 * it prints one line every five seconds.
 */
final class ProgressView {

    private final PrintWriter out;
    private final boolean inPlace;
    private int lastLength;
    private double lastPrinted = -10;

    ProgressView(PrintWriter out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    void update(DemoRun.Sample s, DemoRun.Evaluation last, double secondsLeft) {
        String line =
                String.format(
                        Locale.ROOT,
                        "%4.0fs | env %,d steps %,.0f/s | ingest lag %s | trainer %,d steps %,.0f/s"
                                + " | policy v%d (acting v%d) | return(100) %s | eval %s | left %s",
                        s.wallSeconds(),
                        s.envSteps(),
                        s.envStepsPerSecond(),
                        s.ingestLag() < 0 ? "?" : String.format(Locale.ROOT, "%,d", s.ingestLag()),
                        s.trainerStep(),
                        s.trainerStepsPerSecond(),
                        s.publishedVersion(),
                        s.actingVersion(),
                        Double.isNaN(s.recentMeanReturn())
                                ? "-"
                                : String.format(Locale.ROOT, "%.1f", s.recentMeanReturn()),
                        last == null
                                ? "-"
                                : String.format(
                                        Locale.ROOT,
                                        "%.1f (v%d)",
                                        last.result().meanReturn(),
                                        last.version()),
                        clock(Math.max(0, secondsLeft)));
        if (inPlace) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        } else if (s.wallSeconds() - lastPrinted >= 5) {
            out.println(line);
            out.flush();
            lastPrinted = s.wallSeconds();
        }
    }

    /** A separate line (an evaluation, a notice) without breaking the progress line. */
    void println(String line) {
        if (inPlace) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())) + "\n");
            lastLength = 0;
        } else {
            out.println(line);
        }
        out.flush();
    }

    void finish() {
        if (inPlace && lastLength > 0) {
            out.println();
        }
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
