package io.replayflow.ingest.log;

import java.time.LocalDate;

/**
 * The Hive-style partition of a transition in the experience log, {@code
 * env_id=CartPole-v1/date=2026-11-21/hour=07}, from its env id and event time in UTC. Readers see
 * {@code env_id}, {@code date} and {@code hour} as columns (DuckDB and Spark with hive partitioning
 * on); {@code hour} is two digits, so it also sorts as text.
 *
 * <p>Characters that would break a path or a Hive partition ({@code / = : % ? * # " ' \ [ ] ^ { }},
 * control characters) are escaped as {@code %XX}, as Hive does.
 */
public final class PartitionPath {

    private static final long MS_PER_HOUR = 3_600_000L;

    private PartitionPath() {}

    /** The partition directory, relative to the log root. */
    public static String of(String envId, long eventTimeMs) {
        return ofHour(envId, Math.floorDiv(eventTimeMs, MS_PER_HOUR));
    }

    /** The partition of an hour given as hours since the epoch. */
    static String ofHour(String envId, long epochHour) {
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochHour, 24));
        int hour = Math.floorMod(epochHour, 24);
        return "env_id="
                + escape(envId)
                + "/date="
                + date
                + "/hour="
                + (hour < 10 ? "0" : "")
                + hour;
    }

    /** Hive's path escaping: unsafe characters become {@code %XX}. */
    public static String escape(String value) {
        StringBuilder escaped = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (needsEscape(c)) {
                if (escaped == null) {
                    escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
                }
                escaped.append('%').append(String.format("%02X", (int) c));
            } else if (escaped != null) {
                escaped.append(c);
            }
        }
        return escaped == null ? value : escaped.toString();
    }

    private static boolean needsEscape(char c) {
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
        return switch (c) {
            case '"', '#', '%', '\'', '*', '/', ':', '=', '?', '\\', '[', ']', '^', '{', '}' ->
                    true;
            default -> false;
        };
    }
}
