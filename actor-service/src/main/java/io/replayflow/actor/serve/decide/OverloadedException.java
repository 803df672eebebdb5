package io.replayflow.actor.serve.decide;

/** The batching queue is full: the caller should back off and retry. */
public final class OverloadedException extends RuntimeException {
    public OverloadedException(int capacity) {
        super(
                "the decision queue is full ("
                        + capacity
                        + " waiting); retry after a short back-off or add service instances");
    }
}
