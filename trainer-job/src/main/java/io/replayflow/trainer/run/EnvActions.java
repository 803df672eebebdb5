package io.replayflow.trainer.run;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How many discrete actions the data's environment has, which Parquet rows do not say: {@code
 * trainer.num-actions} when set, else the built-in table of the envs the actors run.
 */
final class EnvActions {

    /** The built-in environments (actor-service's registry) and their action counts. */
    static final Map<String, Integer> BUILT_IN =
            Map.of("CartPole-v1", 2, "Acrobot-v1", 3, "MountainCar-v0", 3);

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
            Integer n = BUILT_IN.get(env);
            if (n == null) {
                throw new IllegalArgumentException(
                        "env "
                                + env
                                + " is not built in ("
                                + new TreeSet<>(BUILT_IN.keySet())
                                + "), so its number of actions is unknown: set"
                                + " trainer.num-actions, e.g. --set trainer.num-actions=4");
            }
            counts.put(env, n);
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
