package io.replayflow.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;

/**
 * The ingest job's metric names, registered through Flink's metric system under the group {@value
 * #GROUP} of the operator that counts them, so a reporter shows them as {@code ingest/records_in}
 * (Prometheus: {@code flink_taskmanager_job_task_operator_ingest_records_in}). Counters are per
 * subtask; sum them over subtasks.
 */
public final class IngestMetrics {

    /** The metric group every ingest metric lives in. */
    public static final String GROUP = "ingest";

    /** Records read from the transitions topic, good or bad. */
    public static final String RECORDS_IN = "records_in";

    /** Records sent to the dead-letter topic; one counter per {@link #REASON} value. */
    public static final String RECORDS_DEAD_LETTERED = "records_dead_lettered";

    /** The variable that carries the dead-letter reason code. */
    public static final String REASON = "reason";

    /** Valid records dropped because their identity was seen within the dedup TTL. */
    public static final String DUPLICATES_DROPPED = "duplicates_dropped";

    /** Accepted records whose event time was behind the watermark (still logged). */
    public static final String LATE_RECORDS = "late_records";

    /** Episodes whose every step up to the terminal one has arrived; one summary each. */
    public static final String EPISODES_COMPLETED = "episodes_completed";

    /** Mean return of the last closed statistics window, per env_id and policy_version. */
    public static final String EPISODE_RETURN_MEAN = "episode_return_mean";

    /** Mean episode length of the last closed statistics window, per env and policy version. */
    public static final String EPISODE_LENGTH_MEAN = "episode_length_mean";

    /** Episodes in the last closed statistics window, per env and policy version. */
    public static final String WINDOW_EPISODES = "window_episodes";

    /** Variables of the statistics gauges. */
    public static final String ENV_ID = "env_id";

    public static final String POLICY_VERSION = "policy_version";

    private IngestMetrics() {}

    /** The {@value #GROUP} group under an operator's metric group. */
    public static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(GROUP);
    }

    /** One line per metric, for ingest/METRICS.md and docs/METRICS.md. */
    public static Map<String, String> descriptions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(GROUP + "/" + RECORDS_IN, "records read from the transitions topic, good or bad");
        d.put(
                GROUP + "/" + RECORDS_DEAD_LETTERED,
                "records sent to the dead-letter topic, one counter per `reason` code (identifier"
                        + " `ingest.reason.<REASON>.records_dead_lettered`; Prometheus label"
                        + " `reason`)");
        d.put(
                GROUP + "/" + DUPLICATES_DROPPED,
                "valid records dropped because (actor_id, episode_id, step) was seen within"
                        + " ingest.dedup.ttl");
        d.put(
                GROUP + "/" + LATE_RECORDS,
                "accepted records whose event time was behind the watermark; they are still"
                        + " logged and published");
        d.put(
                GROUP + "/" + EPISODES_COMPLETED,
                "episodes completed (all steps up to the terminal one seen); one EpisodeSummary"
                        + " each on rf.episodes");
        d.put(
                GROUP + "/" + EPISODE_RETURN_MEAN,
                "mean return in the last closed statistics window, per env_id and"
                        + " policy_version");
        d.put(
                GROUP + "/" + EPISODE_LENGTH_MEAN,
                "mean episode length in the last closed statistics window, per env_id and"
                        + " policy_version");
        d.put(
                GROUP + "/" + WINDOW_EPISODES,
                "episodes in the last closed statistics window, per env_id and policy_version");
        return d;
    }
}
