package io.replayflow.actor.swap;

import java.util.Objects;

/**
 * A policy version the actor refuses to act with. The {@link Reason} is a stable code for metrics
 * and tests; the message says what is wrong with which artifact and how to fix it.
 */
public final class PolicyLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a version was refused, in the order the loader checks. */
    public enum Reason {
        /** The announced URI is not a local file path or {@code file:} URI. */
        UNSUPPORTED_URI,
        /**
         * The URI resolves (after {@code ..} and symbolic links) outside the configured policy root
         * ({@code actor.policy.root}).
         */
        OUTSIDE_POLICY_ROOT,
        /** The artifact directory does not exist or is not a directory. */
        MISSING_ARTIFACT,
        /** {@code replayflow-policy.json} is missing, unreadable, of another format or version. */
        BAD_MANIFEST,
        /** A file's or the whole artifact's SHA-256 differs from the manifest or announcement. */
        CHECKSUM_MISMATCH,
        /** Observation shape or number of actions differs from the actor's environment. */
        SPEC_MISMATCH,
        /** TensorFlow cannot load the SavedModel, or its signature does not fit the spec. */
        MODEL_LOAD_FAILED,
        /** The model failed or answered nonsense on the probe observation. */
        WARM_UP_FAILED
    }

    private final Reason reason;

    public PolicyLoadException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public PolicyLoadException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
