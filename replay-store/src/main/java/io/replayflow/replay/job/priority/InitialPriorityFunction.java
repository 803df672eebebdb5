package io.replayflow.replay.job.priority;

import io.replayflow.replay.row.ReplayRow;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each new row that has no priority yet its initial priority: {@code max(initialPriority,
 * running max)}, where the running max is the largest priority any trainer update has set
 * (broadcast from the {@link PriorityStoreFunction}s, kept in broadcast state so it survives
 * restarts). New rows thus enter at least as likely to be drawn as any row, as in prioritized
 * replay.
 *
 * <p>A row that arrives with a positive priority keeps it: the scoring operator upstream ({@code
 * io.replayflow.replay.scoring.TdScoringOperator}) sets |TD error| + epsilon under the latest
 * policy; a priority of 0 means "not scored".
 */
public class InitialPriorityFunction
        extends BroadcastProcessFunction<ReplayRow, Double, ReplayRow> {

    /** Broadcast state: {@link #MAX_KEY} holds the running max. */
    public static final MapStateDescriptor<String, Double> RUNNING_MAX =
            new MapStateDescriptor<>("running-max-priority", Types.STRING, Types.DOUBLE);

    static final String MAX_KEY = "max";

    private final double initialPriority;

    public InitialPriorityFunction(double initialPriority) {
        this.initialPriority = initialPriority;
    }

    @Override
    public void processElement(ReplayRow row, ReadOnlyContext ctx, Collector<ReplayRow> out)
            throws Exception {
        if (!(row.priority > 0.0)) {
            row.priority =
                    initial(initialPriority, ctx.getBroadcastState(RUNNING_MAX).get(MAX_KEY));
        }
        out.collect(row);
    }

    /**
     * The priority an unscored row enters at: {@code max(initialPriority, runningMax)}, or {@code
     * initialPriority} while no update has set a running max (null).
     */
    static double initial(double initialPriority, Double runningMax) {
        return runningMax == null ? initialPriority : Math.max(initialPriority, runningMax);
    }

    @Override
    public void processBroadcastElement(Double candidate, Context ctx, Collector<ReplayRow> out)
            throws Exception {
        Double max = ctx.getBroadcastState(RUNNING_MAX).get(MAX_KEY);
        if (max == null || candidate > max) {
            ctx.getBroadcastState(RUNNING_MAX).put(MAX_KEY, candidate);
        }
    }
}
