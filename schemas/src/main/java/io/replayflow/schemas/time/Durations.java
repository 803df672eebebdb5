package io.replayflow.schemas.time;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two text forms of a {@link Duration} that ReplayFlow shows users.
 *
 * <ul>
 *   <li>{@link #format}: the form Flink's configuration reads and writes, {@code 10 s}, {@code 5
 *       min}; ingest writes its options and the generated config reference with it.
 *   <li>{@link #parse}: the CLI's compact flags, {@code 500ms}, {@code 10s}, {@code 5m}, {@code
 *       1h}.
 * </ul>
 *
 * <pre>{@code
 * Durations.format(Duration.ofMinutes(5));   // "5 min"
 * Durations.parse("5m");                      // PT5M
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {

    private static final Pattern COMPACT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private Durations() {}

    /**
     * The shortest exact form among {@code h}, {@code min}, {@code s} and {@code ms}, in
     * milliseconds precision; zero is {@code 0 ms}.
     */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }

    /**
     * Reads a whole number followed by {@code ms}, {@code s}, {@code m} or {@code h} (case and a
     * space in between do not matter), e.g. {@code 10s} or {@code 5 m}.
     *
     * @throws IllegalArgumentException quoting the text and the units to use
     */
    public static Duration parse(String text) {
        Matcher m = COMPACT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'"
                            + text
                            + "' is not a duration: use a number with ms, s, m or h (e.g. 10s,"
                            + " 5m)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
