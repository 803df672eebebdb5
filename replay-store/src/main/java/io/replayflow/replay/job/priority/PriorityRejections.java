package io.replayflow.replay.job.priority;

import io.replayflow.replay.job.ReplayMetrics;
import io.replayflow.replay.priority.PriorityRejection;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/** One counter per {@link PriorityRejection}, registered under {@code replay/}. */
public final class PriorityRejections {

    private final Map<PriorityRejection, Counter> counters = new EnumMap<>(PriorityRejection.class);

    /** Counters registered on {@code operatorGroup}; null registers nothing (tests). */
    public PriorityRejections(MetricGroup operatorGroup) {
        for (PriorityRejection reason : PriorityRejection.values()) {
            counters.put(
                    reason,
                    operatorGroup == null
                            ? new SimpleCounter()
                            : ReplayMetrics.group(operatorGroup).counter(reason.metricName()));
        }
    }

    public void count(PriorityRejection reason) {
        counters.get(reason).inc();
    }

    /** How many updates were refused for {@code reason}. */
    public long get(PriorityRejection reason) {
        return counters.get(reason).getCount();
    }

    public long total() {
        long sum = 0;
        for (Counter c : counters.values()) {
            sum += c.getCount();
        }
        return sum;
    }
}
