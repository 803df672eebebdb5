package io.replayflow.cli.seeds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The multi-seed protocol's summary: one trained-and-evaluated policy per trainer seed, and the
 * mean and spread of their evaluation means. The score of a setting is the mean over seeds of each
 * seed's mean return over the same seeded evaluation episodes; the spread is the population
 * standard deviation of those per-seed means (numpy's {@code std}) with their minimum and maximum.
 *
 * @param algo the algorithm id
 * @param env the evaluation environment
 * @param episodes evaluation episodes per seed
 * @param evalSeed the evaluation seed (the same episodes for every trainer seed)
 * @param runs one per trainer seed, in the order given
 */
public record SeedRuns(String algo, String env, int episodes, long evalSeed, List<Run> runs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One trainer seed's outcome.
     *
     * @param seed {@code trainer.seed}
     * @param policy the exported artifact directory
     * @param meanReturn mean return over the evaluation episodes
     * @param stdReturn population standard deviation of those returns
     */
    public record Run(long seed, Path policy, double meanReturn, double stdReturn) {
        public Run {
            Objects.requireNonNull(policy, "policy");
        }
    }

    public SeedRuns {
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("at least one seed run");
        }
    }

    /** Mean over seeds of the per-seed mean returns. */
    public double mean() {
        return runs.stream().mapToDouble(Run::meanReturn).average().orElseThrow();
    }

    /** Population standard deviation over seeds of the per-seed mean returns. */
    public double std() {
        double mean = mean();
        double sq = 0;
        for (Run r : runs) {
            sq += (r.meanReturn() - mean) * (r.meanReturn() - mean);
        }
        return Math.sqrt(sq / runs.size());
    }

    public double min() {
        return runs.stream().mapToDouble(Run::meanReturn).min().orElseThrow();
    }

    public double max() {
        return runs.stream().mapToDouble(Run::meanReturn).max().orElseThrow();
    }

    /** A plain-text table: one row per seed, then the summary row. */
    public List<String> table() {
        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "%s on %s, %d evaluation episodes from seed %d:",
                        algo,
                        env,
                        episodes,
                        evalSeed));
        lines.add(
                String.format(Locale.ROOT, "%-8s %12s %12s  %s", "seed", "mean", "std", "policy"));
        for (Run r : runs) {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-8d %12.1f %12.1f  %s",
                            r.seed(),
                            r.meanReturn(),
                            r.stdReturn(),
                            r.policy()));
        }
        lines.add(
                String.format(
                        Locale.ROOT,
                        "%-8s %12.1f %12.1f  (std over seeds; min %.1f, max %.1f)",
                        "all",
                        mean(),
                        std(),
                        min(),
                        max()));
        return lines;
    }

    /**
     * The last stdout line: {@code {"algo", "env", "episodes", "eval_seed", "seeds", "mean_return",
     * "std_over_seeds", "min_return", "max_return", "runs": [{"seed", "policy", "mean_return",
     * "std_return"}]}}.
     */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("algo", algo);
        out.put("env", env);
        out.put("episodes", episodes);
        out.put("eval_seed", evalSeed);
        out.put("seeds", runs.stream().map(Run::seed).toList());
        out.put("mean_return", mean());
        out.put("std_over_seeds", std());
        out.put("min_return", min());
        out.put("max_return", max());
        List<Map<String, Object>> each = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("seed", r.seed());
            run.put("policy", r.policy().toAbsolutePath().toString());
            run.put("mean_return", r.meanReturn());
            run.put("std_return", r.stdReturn());
            each.add(run);
        }
        out.put("runs", each);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
