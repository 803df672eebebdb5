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
 * <p>The env id is escaped for a directory name (see {@link #escape}): ASCII letters, digits,
 * {@code -}, {@code _} and {@code .} stay, every other byte of its UTF-8 form becomes {@code ~XX}.
 * So {@code CartPole-v1} stays {@code CartPole-v1} and {@code MinAtar/Breakout-v1} becomes {@code
 * MinAtar~2FBreakout-v1}; the rows themselves carry the env id unescaped. {@link #unescape} inverts
 * it. Ingest's file sink, the replay job and the reader all build and parse partitions here, so the
 * three agree by construction.
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
     * Escapes an env id for a directory name: ASCII letters, digits, {@code -}, {@code _} and
     * {@code .} stay; every other character becomes {@code ~XX} per UTF-8 byte (upper-case hex).
     * Not Hive's {@code %XX}: Flink's file sink stores pending files as {@code Path} URI strings
     * and reads them back with {@code new Path(String)}, which quotes a {@code %} again on every
     * round trip (and a space, and non-ASCII letters), so a {@code %}-escaped partition is lost at
     * the first checkpoint. The characters kept are the ones a URI path never quotes.
     */
    public static String escape(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length);
        for (byte b : utf8) {
            int c = b & 0xFF;
            if (keeps(c)) {
                out.append((char) c);
            } else {
                out.append(ESCAPE).append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    private static final char ESCAPE = '~';
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean keeps(int c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.';
    }

    /** Inverse of {@link #escape}; values without {@code ~} are returned as they are. */
    public static String unescape(String value) {
        if (value.indexOf(ESCAPE) < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ESCAPE && i + 2 < value.length()) {
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
