package io.replayflow.replay.job.priority;

import io.replayflow.replay.row.ReplayRow;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * {@link InitialPriorityFunction} for a run that applies no trainer updates (a backfill): the
 * running max is then never set, so an unscored row enters at {@code initialPriority} and a scored
 * one keeps its priority, by the same rule ({@link InitialPriorityFunction#initial}). A plain map,
 * so it chains between the enrichment and the dataset writer with no broadcast input to wait for.
 */
public class UnupdatedInitialPriorityFunction implements MapFunction<ReplayRow, ReplayRow> {

    private final double initialPriority;

    public UnupdatedInitialPriorityFunction(double initialPriority) {
        this.initialPriority = initialPriority;
    }

    @Override
    public ReplayRow map(ReplayRow row) {
        if (!(row.priority > 0.0)) {
            row.priority = InitialPriorityFunction.initial(initialPriority, null);
        }
        return row;
    }
}
