package io.replayflow.schemas.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;

/**
 * Settings read by an {@link OptionTable}: typed values through Flink's {@link Configuration}
 * (which also reads an option's deprecated keys), errors that name the key, the value and an
 * example, and the pass-through groups (Kafka client settings) by prefix. Immutable.
 */
public final class Settings {

    private final OptionTable table;
    private final Configuration conf;
    private final Map<String, String> raw;

    Settings(OptionTable table, Configuration conf, Map<String, String> raw) {
        this.table = table;
        this.conf = conf;
        this.raw = Map.copyOf(raw);
    }

    /**
     * The value of {@code option}: the set one, else its default ({@code null} where it has none).
     *
     * @throws IllegalArgumentException {@code key='text' is not a valid TYPE; e.g. key=EXAMPLE}
     */
    public <T> T get(ConfigOption<T> option) {
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            throw invalid(option, e);
        }
    }

    /** The value of {@code option} where it is set (under its key or a deprecated one). */
    public <T> Optional<T> getOptional(ConfigOption<T> option) {
        try {
            return conf.getOptional(option);
        } catch (IllegalArgumentException e) {
            throw invalid(option, e);
        }
    }

    /** Whether {@code option} is set, under its key or a deprecated one. */
    public boolean contains(ConfigOption<?> option) {
        return conf.contains(option);
    }

    /**
     * The settings under {@code prefix}, the prefix removed; settings under an older prefix are
     * included too, and the current prefix wins where both set a key.
     */
    public Map<String, String> withPrefix(String prefix, String... deprecatedPrefixes) {
        Map<String, String> out = new TreeMap<>();
        for (String old : deprecatedPrefixes) {
            collect(old, out);
        }
        collect(prefix, out);
        return out;
    }

    private void collect(String prefix, Map<String, String> out) {
        raw.forEach(
                (k, v) -> {
                    if (k.startsWith(prefix)) {
                        out.put(k.substring(prefix.length()), v);
                    }
                });
    }

    private IllegalArgumentException invalid(ConfigOption<?> option, IllegalArgumentException e) {
        String key = option.key();
        String value = raw.get(key);
        if (value == null) {
            for (FallbackKey k : option.fallbackKeys()) {
                if (raw.containsKey(k.getKey())) {
                    key = k.getKey();
                    value = raw.get(key);
                    break;
                }
            }
        }
        String type = table.entry(option.key()).map(OptionTable.Entry::type).orElse("value");
        String example =
                option.hasDefaultValue() ? OptionTable.format(option.defaultValue()) : null;
        return new IllegalArgumentException(
                key
                        + "='"
                        + value
                        + "' is not a valid "
                        + type
                        + (example == null || example.isEmpty()
                                ? ""
                                : "; e.g. " + option.key() + "=" + example),
                e);
    }
}
