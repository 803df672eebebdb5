package io.replayflow.schemas.config;

import io.replayflow.schemas.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;

/**
 * The settings of one component (the actors, a Flink job, the trainer): each a Flink {@link
 * ConfigOption} with its description, a type label for the docs and, where the option has no
 * default value, the text the docs show instead. The table reads a {@code key → text} map (a
 * properties file, {@code -D} flags, {@code --set key=value}) into {@link Settings}, refusing an
 * unknown key, and renders the component's section of {@code docs/CONFIG.md}.
 *
 * <pre>{@code
 * static final OptionTable TABLE = new OptionTable("actor", List.of("actor.producer."));
 * static final ConfigOption<Integer> ENVS = TABLE.add(
 *         ConfigOptions.key("actor.envs").intType().defaultValue(64),
 *         "int",
 *         "Environments per actor, stepped together.");
 * Settings settings = TABLE.read(Map.of("actor.envs", "256"));
 * int envs = settings.get(ENVS);   // 256
 * }</pre>
 *
 * <p>Options are added while the component's options class initialises; after that the table is
 * only read, from any thread.
 */
public final class OptionTable {

    /**
     * One documented setting.
     *
     * @param option the Flink option, description attached
     * @param type how the docs name its type ({@code int}, {@code duration}, {@code A | B})
     * @param defaultText the default as the docs show it
     * @param description what it does, in the docs' words
     */
    public record Entry(
            ConfigOption<?> option, String type, String defaultText, String description) {

        public Entry {
            Objects.requireNonNull(option, "option");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(defaultText, "defaultText");
            Objects.requireNonNull(description, "description");
        }

        public String key() {
            return option.key();
        }

        /** The older spellings of the key that are still read. */
        public List<String> deprecatedKeys() {
            List<String> keys = new ArrayList<>();
            for (FallbackKey k : option.fallbackKeys()) {
                keys.add(k.getKey());
            }
            return keys;
        }
    }

    private final String component;
    private final List<String> passThroughPrefixes;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> prefixDocs = new LinkedHashMap<>();

    /**
     * @param component the component's name as error messages say it ({@code actor}, {@code
     *     trainer})
     * @param passThroughPrefixes key prefixes the component hands on unparsed (Kafka client
     *     settings); keys under them are never "unknown"
     */
    public OptionTable(String component, List<String> passThroughPrefixes) {
        this.component = Objects.requireNonNull(component, "component");
        this.passThroughPrefixes = List.copyOf(passThroughPrefixes);
    }

    /** Adds an option whose docs show its own default value. */
    public <T> ConfigOption<T> add(ConfigOption<T> option, String type, String description) {
        return add(option, type, defaultText(option), description);
    }

    /**
     * Adds an option whose docs show {@code defaultText} as the default: for options without a
     * default value ({@code (required)}, {@code (the env id)}).
     */
    public <T> ConfigOption<T> add(
            ConfigOption<T> option, String type, String defaultText, String description) {
        ConfigOption<T> described = option.withDescription(description);
        entries.add(new Entry(described, type, defaultText, description));
        return described;
    }

    /**
     * Adds an entry of another component's table as it is: a key two jobs read with the same
     * meaning (the join job reads ingest's Kafka transaction settings).
     */
    public void include(Entry entry) {
        entries.add(entry);
    }

    /**
     * Documents a pass-through prefix: the reference table gets a row {@code PREFIX*} with this
     * description after the options.
     */
    public void describePrefix(String prefix, String description) {
        if (!passThroughPrefixes.contains(prefix)) {
            throw new IllegalArgumentException(
                    prefix + " is not a pass-through prefix of this table: " + passThroughPrefixes);
        }
        prefixDocs.put(prefix, description);
    }

    /** Whether {@code key} is an option, a deprecated spelling of one, or under a prefix. */
    public boolean accepts(String key) {
        return entry(key).isPresent() || passThroughPrefixes.stream().anyMatch(key::startsWith);
    }

    /** Every option, in the order of the reference table. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The entry of this key or of one of its deprecated spellings. */
    public Optional<Entry> entry(String key) {
        for (Entry e : entries) {
            if (e.key().equals(key) || e.deprecatedKeys().contains(key)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The pass-through prefixes given at construction. */
    public List<String> passThroughPrefixes() {
        return passThroughPrefixes;
    }

    /**
     * Reads settings for this component. Values are parsed lazily by {@link Settings#get}, which
     * names the key on a bad value.
     *
     * @throws IllegalArgumentException on a key that is neither an option (or its deprecated
     *     spelling) nor under a pass-through prefix, listing the known keys
     */
    public Settings read(Map<String, String> settings) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "key");
            if (!accepts(key)) {
                throw new IllegalArgumentException(unknownKeyMessage(key));
            }
            copy.put(key, Objects.requireNonNull(e.getValue(), key));
        }
        return new Settings(this, Configuration.fromMap(copy), copy);
    }

    /** The message for a key {@link #accepts} refuses. */
    public String unknownKeyMessage(String key) {
        StringBuilder message =
                new StringBuilder("unknown ")
                        .append(component)
                        .append(" setting '")
                        .append(key)
                        .append("'; known settings: ")
                        .append(entries.stream().map(Entry::key).collect(Collectors.toList()));
        if (!passThroughPrefixes.isEmpty()) {
            List<String> prefixes = passThroughPrefixes.stream().map(p -> p + "*").toList();
            message.append(", ")
                    .append(String.join(", ", prefixes.subList(0, prefixes.size() - 1)))
                    .append(prefixes.size() > 1 ? " and " : "")
                    .append(prefixes.get(prefixes.size() - 1));
        }
        return message.toString();
    }

    /**
     * The table as Markdown rows: key, type, default, meaning; a deprecated spelling is named in
     * the meaning.
     */
    public String markdown() {
        StringBuilder md =
                new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (Entry e : entries) {
            String meaning = e.description();
            List<String> old = e.deprecatedKeys();
            if (!old.isEmpty()) {
                meaning +=
                        " Formerly "
                                + old.stream()
                                        .map(k -> "`" + k + "`")
                                        .collect(Collectors.joining(", "))
                                + " (still read).";
            }
            md.append("| `")
                    .append(e.key())
                    .append("` | ")
                    .append(cell(e.type()))
                    .append(" | ")
                    .append(e.defaultText().isEmpty() ? "" : "`" + e.defaultText() + "`")
                    .append(" | ")
                    .append(cell(meaning))
                    .append(" |\n");
        }
        prefixDocs.forEach(
                (prefix, text) ->
                        md.append("| `")
                                .append(prefix)
                                .append("*` | | | ")
                                .append(cell(text))
                                .append(" |\n"));
        return md.toString();
    }

    /**
     * The type label of an enum option: its constants as they are written, {@code dqn | cql} (Flink
     * reads an enum option by the constants' {@code toString()}, ignoring case).
     */
    public static String choices(Class<? extends Enum<?>> type) {
        return java.util.Arrays.stream(type.getEnumConstants())
                .map(String::valueOf)
                .collect(Collectors.joining(" | "));
    }

    /** The text a value is written as in a settings map and in the docs. */
    public static String format(Object value) {
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(OptionTable::format).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    private static String defaultText(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        if (value instanceof Collection<?> c && c.isEmpty()) {
            return "(empty)";
        }
        return format(value);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
