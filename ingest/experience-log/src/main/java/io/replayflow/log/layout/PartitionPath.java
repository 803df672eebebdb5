package io.replayflow.log.layout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * One Hive-style partition of a dataset: {@code env_id=<env>/date=YYYY-MM-DD/hour=HH}, one
 * environment and one UTC hour of event time. The experience log (written by ingest) and every
 * replay dataset use the same layout, so a time window is a set of partitions and DuckDB, Spark or
 * Trino read the tree with no ReplayFlow code.
 *
 * <p>The env id is escaped the way Hive escapes partition values (see {@link #escape}): control
 * characters and {@code " # % ' * / : = ? \ [ ] ^ { }} become {@code %XX} (upper-case hex);
 * everything else, spaces and non-ASCII letters included, is written as is. So {@code CartPole-v1}
 * stays {@code CartPole-v1} and {@code ALE/Pong-v5} becomes {@code ALE%2FPong-v5}. {@link
 * #unescape} inverts it. Ingest's file sink, the replay job and the reader all build and parse
 * partitions here, so the three agree by construction.
 *
 * @param envId the environment id, unescaped
 * @param hourStartMs start of the hour in epoch milliseconds (a multiple of 3,600,000)
 */
public record PartitionPath(String envId, long hourStartMs) implements Comparable<PartitionPath> {

    /** Milliseconds in one partition. */
    public static final long HOUR_MS = 3_600_000L;

    public PartitionPath {
        Objects.requireNonNull(envId, "envId");
        if (envId.isEmpty()) {
            throw new IllegalArgumentException("envId is empty; a partition needs an env id");
        }
        if (Math.floorMod(hourStartMs, HOUR_MS) != 0) {
            throw new IllegalArgumentException(
                    "hourStartMs " + hourStartMs + " is not the start of a UTC hour");
        }
    }

    /**
     * The partition holding a transition of {@code envId} at {@code eventTimeMs} (UTC; times before
     * the epoch floor to their hour).
     */
    public static PartitionPath of(String envId, long eventTimeMs) {
        return new PartitionPath(envId, Math.floorDiv(eventTimeMs, HOUR_MS) * HOUR_MS);
    }

    /** One past the last millisecond of the partition. */
    public long hourEndMs() {
        return hourStartMs + HOUR_MS;
    }

    /** Whether {@code [fromMs, toMs)} overlaps this partition's hour. */
    public boolean overlaps(long fromMs, long toMs) {
        return hourStartMs < toMs && fromMs < hourEndMs();
    }

    /** The relative directory, {@code env_id=CartPole-v1/date=2026-11-20/hour=07}. */
    public String relativePath() {
        Instant start = Instant.ofEpochMilli(hourStartMs);
        LocalDate date = LocalDate.ofInstant(start, ZoneOffset.UTC);
        int hour = start.atZone(ZoneOffset.UTC).getHour();
        return "env_id="
                + escape(envId)
                + "/date="
                + date
                + "/hour="
                + (hour < 10 ? "0" + hour : Integer.toString(hour));
    }

    @Override
    public String toString() {
        return relativePath();
    }

    @Override
    public int compareTo(PartitionPath other) {
        int byTime = Long.compare(hourStartMs, other.hourStartMs);
        return byTime != 0 ? byTime : envId.compareTo(other.envId);
    }

    /**
     * Parses the partition from a path relative to the dataset directory, e.g. {@code
     * env_id=CartPole-v1/date=2026-11-20/hour=07} or the same followed by a file name. Empty when
     * the path does not carry all three keys (a flat or differently partitioned directory).
     *
     * @throws IllegalArgumentException when a key is present but its value is malformed
     */
    public static Optional<PartitionPath> parse(String relativePath) {
        String env = null;
        String date = null;
        String hour = null;
        for (String segment : relativePath.split("/")) {
            int eq = segment.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = segment.substring(0, eq);
            String value = segment.substring(eq + 1);
            switch (key) {
                case "env_id" -> env = unescape(value);
                case "date" -> date = value;
                case "hour" -> hour = value;
                default -> {}
            }
        }
        if (env == null || date == null || hour == null) {
            return Optional.empty();
        }
        try {
            int h = Integer.parseInt(hour);
            if (h < 0 || h > 23) {
                throw new IllegalArgumentException(
                        "partition '" + relativePath + "' has hour=" + hour + "; expected 00-23");
            }
            long dayStart = LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            return Optional.of(new PartitionPath(env, dayStart * 1000 + h * HOUR_MS));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "partition '"
                            + relativePath
                            + "' has a malformed date or hour (expected date=YYYY-MM-DD/hour=HH)",
                    e);
        }
    }

    /**
     * Hive-style escaping of a partition value: control characters and {@code " # % ' * / : = ? \ [
     * ] ^ { }} become {@code %XX}; everything else (spaces, non-ASCII letters) stays, as in the
     * experience log's paths.
     */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (needsEscape(c)) {
                out.append('%').append(String.format("%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
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

    /** Inverse of {@link #escape}; values without {@code %} are returned as they are. */
    public static String unescape(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()) {
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    bytes.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            bytes.write(raw, 0, raw.length);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
