package io.replayflow.actor;

/** An actor stopped on an error (publishing failed, a policy crashed); the message says which. */
public final class ActorFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ActorFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
