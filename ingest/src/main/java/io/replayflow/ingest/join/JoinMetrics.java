package io.replayflow.ingest.join;

import io.replayflow.ingest.IngestMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;

/**
 * The join job's metric names, registered through Flink's metric system under the group {@value
 * #GROUP} of the operator that counts them ({@code join/transitions_out}; Prometheus: {@code
 * flink_taskmanager_job_task_operator_join_transitions_out}). Counters are per subtask; sum them
 * over subtasks.
 */
public final class JoinMetrics {

    /** The metric group every join metric lives in. */
    public static final String GROUP = "join";

    /** Records read from the decisions and outcomes topics, good or bad. */
    public static final String RECORDS_IN = "records_in";

    /** Transitions emitted to the transitions topic. */
    public static final String TRANSITIONS_OUT = "transitions_out";

    /** Rewards added to a decision's sum. */
    public static final String REWARDS_JOINED = "rewards_joined";

    /** Decisions, rewards and ends dropped as resends of one already counted. */
    public static final String DUPLICATES_DROPPED = "duplicates_dropped";

    /** Sessions closed by the idle timeout, their last decision truncated. */
    public static final String SESSIONS_IDLE_TRUNCATED = "sessions_idle_truncated";

    private JoinMetrics() {}

    /** The {@value #GROUP} group under an operator's metric group. */
    public static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(GROUP);
    }

    /** One line per metric, for docs/METRICS.md. */
    public static Map<String, String> descriptions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(
                GROUP + "/" + RECORDS_IN,
                "records read from rf.decisions and rf.outcomes, good or bad");
        d.put(
                GROUP + "/" + TRANSITIONS_OUT,
                "transitions written to rf.transitions, one per decision");
        d.put(
                GROUP + "/" + REWARDS_JOINED,
                "rewards added to their decision's reward within the horizon");
        d.put(
                GROUP + "/" + DUPLICATES_DROPPED,
                "decisions (same decision_id), rewards (same reward_id) and session ends received"
                        + " again and dropped");
        d.put(
                GROUP + "/" + SESSIONS_IDLE_TRUNCATED,
                "sessions silent longer than join.session.idle-timeout: their last decision"
                        + " became a truncated transition");
        d.put(
                GROUP + "/" + IngestMetrics.RECORDS_DEAD_LETTERED,
                "records sent to rf.transitions.dlq by the join, one counter per `reason` code");
        return d;
    }
}
