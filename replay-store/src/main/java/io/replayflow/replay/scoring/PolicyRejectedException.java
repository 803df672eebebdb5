package io.replayflow.replay.scoring;

import io.replayflow.replay.job.ReplayMetrics;
import java.util.Locale;
import java.util.Objects;

/**
 * A published policy the job will not score with; {@link #reason()} says which check failed (and
 * names its counter), the message says what exactly and how to fix it. The job keeps its previous
 * scorer.
 */
public final class PolicyRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a policy was refused, cheapest check first. */
    public enum Reason {
        /** The record on the policies topic does not decode as a {@code PolicyVersion}. */
        UNDECODABLE,
        /** The announced version is not newer than the one in use (same policy name). */
        NOT_NEWER,
        /** The URI is not a local path or {@code file:} URI (TensorFlow Java loads local files). */
        UNSUPPORTED_URI,
        /** The URI resolves outside {@code replay.priority.scoring.policy-root}. */
        OUTSIDE_ROOT,
        /** No artifact directory at the URI. */
        MISSING_ARTIFACT,
        /** {@code replayflow-policy.json} is missing, unreadable or names another version. */
        BAD_MANIFEST,
        /** A file's digest, the artifact digest or the announced digest does not match. */
        CHECKSUM_MISMATCH,
        /** Observation shape, dtype, number of actions or signature do not fit. */
        SPEC_MISMATCH,
        /** TensorFlow cannot load the SavedModel. */
        MODEL_LOAD_FAILED,
        /** The model fails or returns non-finite Q-values on a probe batch. */
        WARM_UP_FAILED;

        /** The counter of this reason, e.g. {@code policies_rejected_checksum_mismatch}. */
        public String metricName() {
            return ReplayMetrics.POLICIES_REJECTED + name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public PolicyRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public PolicyRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
