package io.replayflow.trainer;

import java.util.Objects;
import java.util.function.Function;

/**
 * One typed configuration key: its name, default, description and parser. The table of all keys is
 * {@link TrainerOptions}; {@link TrainerConfig} reads and validates them once.
 *
 * @param <T> the value type
 */
public final class TrainerOption<T> {

    private final String key;
    private final String typeName;
    private final T defaultValue;
    private final String description;
    private final Function<String, T> parser;

    TrainerOption(
            String key,
            String typeName,
            T defaultValue,
            String description,
            Function<String, T> parser) {
        this.key = Objects.requireNonNull(key);
        this.typeName = Objects.requireNonNull(typeName);
        this.defaultValue = Objects.requireNonNull(defaultValue);
        this.description = Objects.requireNonNull(description);
        this.parser = Objects.requireNonNull(parser);
    }

    public String key() {
        return key;
    }

    /**
     * The type as written in the docs: {@code double}, {@code int}, {@code
     * dqn|double-dqn|cql|iql|bcq|bc}.
     */
    public String typeName() {
        return typeName;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /**
     * Parses a raw value.
     *
     * @throws IllegalArgumentException naming the key, the value and an example
     */
    public T parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException(
                    key + " has no value; e.g. " + key + "=" + format(defaultValue));
        }
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    key
                            + "='"
                            + raw
                            + "' is not a valid "
                            + typeName
                            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
                            + "; e.g. "
                            + key
                            + "="
                            + format(defaultValue),
                    e);
        }
    }

    /** Writes a value the way {@link #parse} reads it. */
    public String format(Object value) {
        if (value instanceof java.util.List<?> list) {
            return list.stream()
                    .map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return key;
    }
}
