package io.replayflow.ingest.validate;

import java.util.Objects;

/**
 * A refused record's reason code and the message that tells its producer what is wrong and how to
 * fix it.
 */
public record Rejection(RejectReason reason, String message) {
    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
