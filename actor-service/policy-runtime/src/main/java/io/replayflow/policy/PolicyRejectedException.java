package io.replayflow.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A policy version a reader (an actor, the replay job's scorer, an evaluation) will not use. The
 * {@link Reason} is a stable code for metrics, logs and tests; the message says what is wrong with
 * which artifact and how to fix it. The reader keeps the policy it had.
 */
public final class PolicyRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a version was refused, cheapest check first. */
    public enum Reason {
        /** The record on the policies topic does not decode as a {@code PolicyVersion}. */
        UNDECODABLE,
        /** The announced version is not newer than the one in use (same policy name). */
        NOT_NEWER,
        /** The announced URI is not a local file path or {@code file:} URI. */
        UNSUPPORTED_URI,
        /**
         * The URI resolves (after {@code ..} and symbolic links) outside the reader's policy root
         * ({@code actor.policy.root}, {@code replay.priority.scoring.policy-root}).
         */
        OUTSIDE_POLICY_ROOT,
        /** The artifact directory does not exist or is not a directory. */
        MISSING_ARTIFACT,
        /**
         * {@code replayflow-policy.json} is missing, unreadable, of another format, or names
         * another policy or version than the announcement.
         */
        BAD_MANIFEST,
        /** A file's or the whole artifact's SHA-256 differs from the manifest or announcement. */
        CHECKSUM_MISMATCH,
        /**
         * Observation shape, dtype, number of actions or serving signature do not fit the reader or
         * the announcement.
         */
        SPEC_MISMATCH,
        /** TensorFlow cannot load the SavedModel. */
        MODEL_LOAD_FAILED,
        /** The model failed or answered nonsense on the probe observations. */
        WARM_UP_FAILED;

        /**
         * The reason as it appears in a metric name, e.g. {@code checksum_mismatch}: the one place
         * every reader derives its per-reason counter from ({@code
         * replay/policies_rejected_checksum_mismatch}).
         */
        public String metricSuffix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public PolicyRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public PolicyRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
