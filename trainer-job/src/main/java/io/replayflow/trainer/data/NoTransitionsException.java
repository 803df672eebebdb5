package io.replayflow.trainer.data;

/**
 * A source has nothing to train on: no committed transition matches the selection, or a
 * samples-per-insert limiter held sampling back for longer than the source may wait. The message
 * names the dataset, the filters and what to check.
 */
public final class NoTransitionsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public NoTransitionsException(String message) {
        super(message);
    }
}
