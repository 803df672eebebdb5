package io.replayflow.actor.serve.http;

import io.replayflow.actor.metrics.ServeMetrics.Refusal;
import java.util.Objects;

/**
 * A refused call: the HTTP status, the field at fault ({@code body} for the body as a whole) and a
 * message that names the rule and the fix. Answered as {@code {"error": message, "field": field}}.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String field;
    private final Refusal reason;

    public ApiError(int status, Refusal reason, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.field = Objects.requireNonNull(field, "field");
    }

    /** 400 for a field that is missing, mistyped or out of range. */
    public static ApiError badField(String field, String message) {
        return new ApiError(400, Refusal.BAD_FIELD, field, message);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public Refusal reason() {
        return reason;
    }
}
