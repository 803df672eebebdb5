package io.replayflow.cli;

import io.replayflow.schemas.time.Durations;
import java.time.Duration;

/**
 * A flag value that parsed but does not make sense (a port out of range, a missing file): the CLI
 * prints it as one line and exits with {@link ReplayFlow#EXIT_USAGE}.
 */
public final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageError(String message) {
        super(message);
    }

    /**
     * Reads the duration flag {@code flag} with {@link Durations#parse} ({@code 500ms}, {@code
     * 10s}, {@code 5m}, {@code 1h}).
     *
     * @throws UsageError naming the flag, its value and the units to use
     */
    static Duration duration(String flag, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageError(flag + " " + e.getMessage());
        }
    }
}
