package io.replayflow.cli;

/**
 * A flag value that parsed but does not make sense (a port out of range, a missing file): the CLI
 * prints it as one line and exits with {@link ReplayFlow#EXIT_USAGE}.
 */
public final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageError(String message) {
        super(message);
    }
}
