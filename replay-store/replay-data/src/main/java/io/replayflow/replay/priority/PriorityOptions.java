package io.replayflow.replay.priority;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The one priority setting that two programs read: the floor ε of {@link Priorities#fromTdError},
 * key {@value #EPSILON_KEY}. The trainer (updates it publishes, its own sampler) and the replay job
 * (initial priorities of scored rows) both add it to their option tables, so one line in a shared
 * configuration sets both and scored and trained rows carry the same floor.
 */
public final class PriorityOptions {

    public static final String EPSILON_KEY = "replay.priority.epsilon";

    public static final String EPSILON_DESCRIPTION =
            "Priority floor: priority = |TD error| + epsilon, so every row stays drawable; > 0."
                    + " One key for the trainer's updates and sampler and the replay job's scored"
                    + " rows.";

    private PriorityOptions() {}

    /**
     * {@value #EPSILON_KEY}, default {@link Priorities#DEFAULT_EPSILON}, reading a program's former
     * spelling too.
     */
    public static ConfigOption<Double> epsilon(String... deprecatedKeys) {
        return ConfigOptions.key(EPSILON_KEY)
                .doubleType()
                .defaultValue(Priorities.DEFAULT_EPSILON)
                .withDeprecatedKeys(deprecatedKeys);
    }
}
