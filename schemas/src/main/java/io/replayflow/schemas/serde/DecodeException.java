package io.replayflow.schemas.serde;

import java.util.Objects;

/**
 * A payload that could not be decoded, with a machine-readable {@link Reason} (ingest uses it as
 * the dead-letter reason code) and a message that names the cause and the fix.
 */
public final class DecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a payload was refused. The names are dead-letter reason codes: do not rename them. */
    public enum Reason {
        /** Null or zero-length payload. */
        EMPTY_PAYLOAD,
        /** Does not start with the single-object marker {@code C3 01}. */
        BAD_MARKER,
        /** Shorter than the 10-byte header (marker + fingerprint). */
        TRUNCATED_HEADER,
        /** The writer schema's fingerprint is not among the released versions. */
        UNKNOWN_FINGERPRINT,
        /** A released schema, but of another record type than the one expected. */
        WRONG_RECORD_TYPE,
        /** The body ended before the writer schema says it should. */
        TRUNCATED_BODY,
        /** The body does not parse under the writer schema (bad lengths, bad union index...). */
        CORRUPT_BODY,
        /** Bytes left over after a complete record. */
        TRAILING_BYTES
    }

    private final Reason reason;

    public DecodeException(Reason reason, String message) {
        this(reason, message, null);
    }

    public DecodeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
