package io.replayflow.actor.publish;

/**
 * The producer could not deliver a transition (after its retries) or could not accept one within
 * {@code max.block.ms}. Fatal for the actor: it stops rather than drop records silently.
 */
public final class PublishFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
