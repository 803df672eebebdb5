package io.replayflow.schemas.policy;

/** A policy artifact that must not be loaded; the message says what is wrong with it. */
public final class InvalidArtifactException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidArtifactException(String message) {
        super(message);
    }

    public InvalidArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
