package io.replayflow.trainer.run;

import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How many discrete actions the data's environment has, which Parquet rows do not say: {@code
 * trainer.num-actions} when set, else the built-in table of the envs the actors run.
 */
final class EnvActions {

    private EnvActions() {}

    /**
     * @param configured {@code trainer.num-actions} (0: not set)
     * @param envIds the env ids of the data
     * @throws IllegalArgumentException when the count cannot be told, naming the key to set
     */
    static int resolve(int configured, Collection<String> envIds) {
        if (configured > 0) {
            return configured;
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String env : envIds) {
            EnvSpec spec = EnvSpecs.builtIn(env).orElse(null);
            if (spec == null) {
                throw new IllegalArgumentException(
                        "env "
                                + env
                                + " is not built in ("
                                + new TreeSet<>(
                                        EnvSpecs.BUILT_IN.stream().map(EnvSpec::id).toList())
                                + "), so its number of actions is unknown: set"
                                + " trainer.num-actions, e.g. --set trainer.num-actions=4");
            }
            counts.put(env, spec.numActions());
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException(
                    "the number of actions is unknown: pass --env or set trainer.num-actions");
        }
        if (new TreeSet<>(counts.values()).size() > 1) {
            throw new IllegalArgumentException(
                    "the data mixes envs with different action counts "
                            + counts
                            + ": choose one with --env");
        }
        return counts.values().iterator().next();
    }
}
