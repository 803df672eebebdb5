package io.replayflow.replay.job;

import io.replayflow.policy.PolicyRejectedException.Reason;
import org.apache.flink.metrics.MetricGroup;

/**
 * The replay-store job's metric names. Every metric lives in the {@code replay} group of its
 * operator, so reporters show it as {@code …replay.<name>}; the docs write it {@code
 * replay/<name>}. What each means is in {@code docs/METRICS.md}.
 */
public final class ReplayMetrics {

    /** The metric group every replay-store metric is registered under. */
    public static final String GROUP = "replay";

    /** Records on the clean topic that did not decode as a Transition (should be 0). */
    public static final String TRANSITIONS_UNDECODABLE = "transitions_undecodable";

    /** A second copy of a (actor, episode, step) already buffered; the first copy is kept. */
    public static final String DUPLICATE_STEPS = "duplicate_steps";

    /** Rows older than the watermark minus the allowed lateness when written: dropped. */
    public static final String ROWS_TOO_LATE = "rows_too_late";

    /** Episodes written at their last step. */
    public static final String EPISODES_COMPLETED = "episodes_completed";

    /** Episodes written open by the idle rule (no return-to-go). */
    public static final String EPISODES_FLUSHED_OPEN = "episodes_flushed_open";

    /** Trajectory segments written (replay.dataset.kind=segments), short ones included. */
    public static final String SEGMENTS_WRITTEN = "segments_written";

    /** Rows emitted by the enrichment towards the dataset. */
    public static final String ROWS_ENRICHED = "rows_enriched";

    /** Priority updates accepted into state (last-writer-wins applied). */
    public static final String PRIORITY_UPDATES_APPLIED = "priority_updates_applied";

    /** Priority updates older (by trainer step) than the stored one: ignored. */
    public static final String PRIORITY_UPDATES_STALE = "priority_updates_stale";

    /** Prefix of the per-reason rejection counters, e.g. {@code priority_updates_rejected_nan}. */
    public static final String PRIORITY_UPDATES_REJECTED = "priority_updates_rejected_";

    /** Compacted priority files written. */
    public static final String PRIORITY_FILES_WRITTEN = "priority_files_written";

    /** The running max priority new rows enter at (gauge). */
    public static final String RUNNING_MAX_PRIORITY = "running_max_priority";

    /** Rows given a TD priority by the latest policy (the rest enter at the running max). */
    public static final String TRANSITIONS_SCORED = "transitions_scored";

    /**
     * Rows a loaded policy could not score (observation size or action outside the model, or a
     * non-finite TD error): they enter at the running max.
     */
    public static final String TRANSITIONS_UNSCORED = "transitions_unscored";

    /** Model calls that scored a batch of rows. */
    public static final String SCORING_BATCHES = "scoring_batches";

    /** Wall time of one scoring model call, microseconds (histogram). */
    public static final String SCORING_BATCH_LATENCY_US = "scoring_batch_latency_us";

    /** Policy versions loaded for scoring (after a restore, the reload counts too). */
    public static final String POLICY_LOADS = "policy_loads";

    /** Version of the policy scoring new rows; -1 while none (gauge). */
    public static final String SCORING_POLICY_VERSION = "scoring_policy_version";

    /**
     * Prefix of the per-reason counters of refused policies, e.g. {@code ..._checksum_mismatch}.
     */
    public static final String POLICIES_REJECTED = "policies_rejected_";

    /**
     * The counter of refused policies for {@code reason}, e.g. {@code
     * policies_rejected_checksum_mismatch}; the reason part comes from {@link
     * Reason#metricSuffix()}, as the actors' does.
     */
    public static String policiesRejected(Reason reason) {
        return POLICIES_REJECTED + reason.metricSuffix();
    }

    /** Transitions in the partitions the window keeps (gauge). */
    public static final String WINDOW_TRANSITIONS = "window_transitions";

    /** Partitions in the window (gauge). */
    public static final String WINDOW_PARTITIONS = "window_partitions";

    /** Partitions deleted by the window expiry. */
    public static final String PARTITIONS_EXPIRED = "partitions_expired";

    private ReplayMetrics() {}

    /** The {@code replay} group under an operator's metric group. */
    public static MetricGroup group(MetricGroup operator) {
        return operator.addGroup(GROUP);
    }
}
