package io.replayflow.infra.stack;

/** The stack could not start or stop; the message says what to change, the cause says why. */
public class LocalStackException extends RuntimeException {

    public LocalStackException(String message) {
        super(message);
    }

    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
