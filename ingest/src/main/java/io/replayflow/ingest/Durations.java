package io.replayflow.ingest;

import java.time.Duration;

/** Durations as Flink's configuration reads and writes them: {@code 10 s}, {@code 5 min}. */
final class Durations {

    private Durations() {}

    /** The shortest exact form among {@code h}, {@code min}, {@code s} and {@code ms}. */
    static String format(Duration duration) {
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
}
