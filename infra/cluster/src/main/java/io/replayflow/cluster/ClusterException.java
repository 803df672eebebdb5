package io.replayflow.cluster;

/** The local cluster could not start, stop or be reached; the message says what to change. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
