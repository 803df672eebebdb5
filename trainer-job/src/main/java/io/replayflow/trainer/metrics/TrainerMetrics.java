package io.replayflow.trainer.metrics;

import java.util.List;

/**
 * The trainer's metric names: TensorBoard tags, and the keys of {@link TrainerPrometheus}, which
 * names them in Prometheus ({@code replayflow_trainer_<name>_<unit>}; rates become counters). One
 * line each in {@code docs/METRICS.md}.
 */
public final class TrainerMetrics {

    private TrainerMetrics() {}

    /** What the optimizer minimises: TD loss plus the conservative term. */
    public static final String LOSS_TOTAL = "trainer/loss_total";

    /** Importance-weighted mean TD loss (Huber or squared error). */
    public static final String LOSS_TD = "trainer/loss_td";

    /** CQL's alpha * (logsumexp_a Q(s,a) - Q(s,a_data)); 0 for DQN and Double DQN. */
    public static final String LOSS_CONSERVATIVE = "trainer/loss_conservative";

    /** Mean Q(s, a) over the batch's logged actions. */
    public static final String Q_MEAN = "trainer/q_mean";

    /** Mean |y - Q(s, a)| over the batch (when TD errors are fetched). */
    public static final String TD_ERROR_ABS = "trainer/td_error_abs";

    /** Global gradient norm before clipping. */
    public static final String GRAD_NORM = "trainer/grad_norm";

    /** Adam learning rate. */
    public static final String LEARNING_RATE = "trainer/learning_rate";

    /** Transitions per second consumed by gradient steps, sampling included. */
    public static final String SAMPLES_PER_S = "trainer/samples_per_s";

    /** Gradient steps per second. */
    public static final String STEPS_PER_S = "trainer/steps_per_s";

    /** Transitions consumed by gradient steps, across restarts (batch size × steps). */
    public static final String SAMPLES = "trainer/samples";

    /** Gradient steps taken, across restarts. */
    public static final String GLOBAL_STEP = "trainer/global_step";

    /** The last exported policy version. */
    public static final String POLICY_VERSION = "trainer/policy_version";

    /** Policy-gradient algorithms: {@code -mean A log pi(a|s)} over the segment batch. */
    public static final String LOSS_POLICY = "trainer/loss_policy";

    /** Policy-gradient algorithms: {@code mean 0.5 (v - V(s))^2} (v: n-step, V-trace or MC). */
    public static final String LOSS_VALUE = "trainer/loss_value";

    /** Policy-gradient algorithms: mean entropy of pi(.|s) in nats over the batch. */
    public static final String POLICY_ENTROPY = "trainer/policy_entropy";

    /**
     * Policy-gradient algorithms: mean policy lag in versions, newest published version minus the
     * version that acted, over the batch's steps.
     */
    public static final String POLICY_LAG_VERSIONS = "trainer/policy_lag_versions";

    /** Policy-gradient algorithms: largest policy lag in versions in the batch. */
    public static final String POLICY_LAG_VERSIONS_MAX = "trainer/policy_lag_versions_max";

    /** Policy-gradient algorithms: mean seconds between acting and this learning step. */
    public static final String POLICY_LAG_SECONDS = "trainer/policy_lag_seconds";

    /** Policy-gradient algorithms: mean importance ratio pi(a|s) / mu(a|s), before truncation. */
    public static final String IMPORTANCE_RATIO_MEAN = "trainer/importance_ratio_mean";

    /** Policy-gradient algorithms: largest importance ratio pi(a|s) / mu(a|s) in the batch. */
    public static final String IMPORTANCE_RATIO_MAX = "trainer/importance_ratio_max";

    /**
     * LSTM actor-critics: segments that started mid-episode from the zero state because no burn-in
     * prefix of their episode was known, across the run (0 for a feed-forward core).
     */
    public static final String BURN_IN_ZERO_STATE = "trainer/burn_in_zero_state_segments";

    public static List<String> all() {
        return List.of(
                LOSS_TOTAL,
                LOSS_TD,
                LOSS_CONSERVATIVE,
                Q_MEAN,
                TD_ERROR_ABS,
                GRAD_NORM,
                LEARNING_RATE,
                SAMPLES_PER_S,
                SAMPLES,
                STEPS_PER_S,
                GLOBAL_STEP,
                POLICY_VERSION,
                LOSS_POLICY,
                LOSS_VALUE,
                POLICY_ENTROPY,
                POLICY_LAG_VERSIONS,
                POLICY_LAG_VERSIONS_MAX,
                POLICY_LAG_SECONDS,
                IMPORTANCE_RATIO_MEAN,
                IMPORTANCE_RATIO_MAX,
                BURN_IN_ZERO_STATE);
    }
}
