package io.replayflow.cluster.drill;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The running account of a drill: timestamped lines (printed as they happen), then the checks, each
 * passed or failed; the drill passes when every check does. Thread-safe: a fault thread reports
 * while the drill's main thread samples.
 */
public final class DrillReport {

    /** One check of the verdict. */
    public record Check(String what, boolean passed) {}

    private final String drill;
    private final PrintWriter out;
    private final long started = System.nanoTime();
    private final List<String> lines = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();

    public DrillReport(String drill, PrintWriter out) {
        this.drill = drill;
        this.out = out;
    }

    /** Prints and keeps one line, prefixed with the seconds since the drill began. */
    public synchronized void line(String format, Object... args) {
        String line =
                String.format("[%s %6.1fs] ", drill, (System.nanoTime() - started) / 1e9)
                        + String.format(format, args);
        lines.add(line);
        out.println(line);
        out.flush();
    }

    /** Records a check of the verdict. */
    public synchronized void check(String what, boolean passed) {
        checks.add(new Check(what, passed));
        line("%s %s", passed ? "PASS" : "FAIL", what);
    }

    public synchronized boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    /** Prints the verdict line and returns whether the drill passed. */
    public boolean verdict() {
        long failed = checks.stream().filter(c -> !c.passed()).count();
        line(
                "VERDICT: %s (%d of %d checks passed)",
                passed() ? "PASS" : "FAIL", checks.size() - failed, checks.size());
        return passed();
    }

    public String drill() {
        return drill;
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized List<Check> checks() {
        return List.copyOf(checks);
    }
}
