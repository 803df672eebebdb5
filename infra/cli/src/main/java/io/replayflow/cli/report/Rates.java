package io.replayflow.cli.report;

/** Per-second rates from cumulative counters sampled over time. */
public final class Rates {

    private Rates() {}

    /**
     * The rate of {@code counter} at each sample over the trailing {@code windowSeconds} (at least
     * the previous sample): {@code (c[i] - c[j]) / (t[i] - t[j])} with {@code j} the earliest
     * sample inside the window. NaN at the first sample and wherever either counter is negative
     * (unknown). A window longer than the gaps between samples smooths counters that advance in
     * bursts, such as offsets committed on each checkpoint.
     *
     * @param t sample times in seconds, increasing
     * @param counter cumulative counts at those times; negative means unknown
     */
    public static double[] trailing(double[] t, double[] counter, double windowSeconds) {
        if (t.length != counter.length) {
            throw new IllegalArgumentException(
                    t.length + " times but " + counter.length + " counter values");
        }
        double[] rate = new double[t.length];
        int j = 0;
        for (int i = 0; i < t.length; i++) {
            while (j < i - 1 && t[i] - t[j] > windowSeconds) {
                j++;
            }
            double dt = i == 0 ? 0 : t[i] - t[j];
            rate[i] =
                    dt <= 0 || counter[i] < 0 || counter[j] < 0
                            ? Double.NaN
                            : (counter[i] - counter[j]) / dt;
        }
        return rate;
    }
}
