package io.replayflow.schemas;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of logs and messages: which client settings hold one, and how to print a
 * configuration or an error text without them. Every module that prints, logs or echoes Kafka
 * client settings (or any settings map that may carry them) goes through here.
 *
 * <pre>{@code
 * LOG.info("ingest settings: {}", Secrets.redacted(config.toMap()));
 * throw new IllegalStateException(Secrets.scrub("login failed: " + e.getMessage(), kafkaProperties));
 * }</pre>
 *
 * <p>A key holds a secret when its last dot-separated part is {@code password}, {@code secret},
 * {@code key} (e.g. {@code ssl.keystore.key}, a PEM private key), {@code token}, {@code
 * credentials} or {@code user.info}, or when it contains {@code jaas} (e.g. {@code
 * sasl.jaas.config}, which carries the username and password), {@code secret}, {@code password} or
 * {@code credential} anywhere. So {@code ssl.truststore.password}, {@code ssl.key.password} and
 * {@code sasl.oauthbearer.client.credentials.client.secret} are secrets; {@code key.serializer},
 * {@code ssl.keystore.location} and {@code sasl.mechanism} are not. Prefixed keys ({@code
 * kafka.properties.sasl.jaas.config}, {@code actor.kafka.ssl.key.password}) are judged by the same
 * rule. Stateless and thread-safe.
 */
public final class Secrets {

    /** What a secret value is replaced with. */
    public static final String HIDDEN = "[hidden]";

    private static final List<String> SECRET_LAST_PARTS =
            List.of("password", "secret", "key", "token", "credentials", "info");
    private static final List<String> SECRET_WORDS =
            List.of("jaas", "secret", "password", "credential");

    /** {@code password="..."} or {@code password='...'} inside a JAAS line. */
    private static final Pattern JAAS_PASSWORD =
            Pattern.compile("(?i)password\\s*=\\s*(\"([^\"]*)\"|'([^']*)'|([^\\s;]+))");

    /** Secret values shorter than this are not scrubbed from free text (they would hit words). */
    private static final int MIN_SCRUB_LENGTH = 3;

    private Secrets() {}

    /** Whether the setting {@code key} holds a secret (see the class comment for the rule). */
    public static boolean isSecret(String key) {
        String k = Objects.requireNonNull(key, "key").toLowerCase(Locale.ROOT);
        String last = k.substring(k.lastIndexOf('.') + 1);
        if (last.equals("info") && !k.endsWith("user.info")) {
            return false;
        }
        if (SECRET_LAST_PARTS.contains(last)) {
            return true;
        }
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A copy of {@code settings}, sorted by key, in which every secret value is {@link #HIDDEN};
     * safe to log or print.
     */
    public static Map<String, String> redacted(Map<String, ?> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach(
                (k, v) -> out.put(k, isSecret(k) ? HIDDEN : v == null ? "null" : v.toString()));
        return out;
    }

    /**
     * An immutable copy of {@code settings} whose {@code toString} hides the secret values (as
     * {@link #redacted} does), so a record or log line that prints it shows no secret; equality,
     * iteration and lookups see the real values. Serializable, for Flink operators that carry it.
     */
    public static Map<String, String> hidingSecrets(Map<String, String> settings) {
        if (settings instanceof HidingMap hiding) {
            return hiding;
        }
        return new HidingMap(new TreeMap<>(settings));
    }

    /**
     * {@code text} with every secret value of {@code settings} (and every {@code password=...} of a
     * JAAS setting among them) replaced by {@link #HIDDEN}: for messages that embed a lower layer's
     * error text, which may echo a setting.
     */
    public static String scrub(String text, Map<String, ?> settings) {
        if (text == null || settings.isEmpty()) {
            return text;
        }
        List<String> values = new ArrayList<>();
        settings.forEach(
                (k, v) -> {
                    if (v != null && isSecret(k)) {
                        String value = v.toString();
                        values.add(value);
                        Matcher m = JAAS_PASSWORD.matcher(value);
                        while (m.find()) {
                            values.add(firstNonNull(m.group(2), m.group(3), m.group(4)));
                        }
                    }
                });
        values.sort(Comparator.comparingInt(String::length).reversed()); // longest first
        String out = text;
        for (String value : values) {
            if (value.length() >= MIN_SCRUB_LENGTH) {
                out = out.replace(value, HIDDEN);
            }
        }
        return out;
    }

    /** See {@link #hidingSecrets}. */
    private static final class HidingMap extends AbstractMap<String, String>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        private final TreeMap<String, String> entries;

        private HidingMap(TreeMap<String, String> entries) {
            entries.forEach(
                    (k, v) -> {
                        Objects.requireNonNull(k, "key");
                        Objects.requireNonNull(v, () -> "value of " + k);
                    });
            this.entries = entries;
        }

        @Override
        public Set<Map.Entry<String, String>> entrySet() {
            return Collections.unmodifiableMap(entries).entrySet();
        }

        @Override
        public String get(Object key) {
            return entries.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public String toString() {
            return redacted(entries).toString();
        }
    }

    private static String firstNonNull(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }
}
