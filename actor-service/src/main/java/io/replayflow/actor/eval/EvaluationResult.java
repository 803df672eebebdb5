package io.replayflow.actor.eval;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of a greedy evaluation.
 *
 * @param envId the environment
 * @param policyVersion the evaluated policy's version
 * @param seed the evaluation seed
 * @param returns undiscounted return of each episode, in episode order
 * @param lengths steps of each episode
 */
public record EvaluationResult(
        String envId, long policyVersion, long seed, List<Double> returns, List<Integer> lengths) {

    public EvaluationResult {
        returns = List.copyOf(returns);
        lengths = List.copyOf(lengths);
        if (returns.isEmpty() || returns.size() != lengths.size()) {
            throw new IllegalArgumentException("one return and one length per episode, at least 1");
        }
    }

    public int episodes() {
        return returns.size();
    }

    public double meanReturn() {
        double sum = 0;
        for (double r : returns) {
            sum += r;
        }
        return sum / returns.size();
    }

    /** Population standard deviation of the returns (numpy's {@code std}). */
    public double stdReturn() {
        double mean = meanReturn();
        double sq = 0;
        for (double r : returns) {
            sq += (r - mean) * (r - mean);
        }
        return Math.sqrt(sq / returns.size());
    }

    public double minReturn() {
        return returns.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public double maxReturn() {
        return returns.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    public double meanLength() {
        return lengths.stream().mapToInt(Integer::intValue).average().orElseThrow();
    }

    /**
     * {@code {"mean_return": ..., "std_return": ..., "episodes": ..., ...}}, one line, for {@code
     * replayflow evaluate --json}.
     */
    public String toJson() {
        return String.format(
                Locale.ROOT,
                "{\"mean_return\": %s, \"std_return\": %s, \"episodes\": %d, \"min_return\": %s,"
                        + " \"max_return\": %s, \"mean_length\": %s, \"env\": \"%s\","
                        + " \"policy_version\": %d, \"seed\": %d}",
                number(meanReturn()),
                number(stdReturn()),
                episodes(),
                number(minReturn()),
                number(maxReturn()),
                number(meanLength()),
                envId.replace("\\", "\\\\").replace("\"", "\\\""),
                policyVersion,
                seed);
    }

    /** One human-readable line. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "%s, policy v%d, %d episodes (seed %d): mean return %.2f ± %.2f (min %.1f, max"
                        + " %.1f), mean length %.1f",
                envId,
                policyVersion,
                episodes(),
                seed,
                meanReturn(),
                stdReturn(),
                minReturn(),
                maxReturn(),
                meanLength());
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
