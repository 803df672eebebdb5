package io.replayflow.replay.job.priority;

import io.replayflow.replay.episode.EpisodePlacement;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.priority.PriorityRejection;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Finds the partition of the transition a priority update names. Keyed by episode: input 1 is where
 * the enrichment wrote the episode's rows ({@link EpisodePlacement}), input 2 the trainer's
 * updates; an update leaves with its {@link PriorityEntry#partition} set, for the store keyed by
 * partition. An update for a step no placement covers is refused as {@link
 * PriorityRejection#UNKNOWN_TRANSITION}: the trainer only sees committed rows, whose placement was
 * recorded before they were written.
 *
 * <p>An episode's placements are kept for {@code retentionMs} (processing time) after the last one
 * arrived, then cleared; updates after that are unknown (their rows have expired).
 */
public class PriorityRouterFunction
        extends KeyedCoProcessFunction<String, EpisodePlacement, PriorityEntry, PriorityEntry> {

    private final long retentionMs;

    private transient ListState<EpisodePlacement> placements;
    private transient ValueState<Long> cleanupAt;
    private transient PriorityRejections rejections;

    public PriorityRouterFunction(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        placements =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "episode-placements",
                                        TypeInformation.of(EpisodePlacement.class)));
        cleanupAt =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("placement-cleanup", Types.LONG));
        rejections = new PriorityRejections(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement1(
            EpisodePlacement placement, Context ctx, Collector<PriorityEntry> out)
            throws Exception {
        placements.add(placement);
        Long previous = cleanupAt.value();
        if (previous != null) {
            ctx.timerService().deleteProcessingTimeTimer(previous);
        }
        long at = ctx.timerService().currentProcessingTime() + retentionMs;
        ctx.timerService().registerProcessingTimeTimer(at);
        cleanupAt.update(at);
    }

    @Override
    public void processElement2(PriorityEntry update, Context ctx, Collector<PriorityEntry> out)
            throws Exception {
        for (EpisodePlacement placement : placements.get()) {
            if (placement.covers(update.step)) {
                update.partition = placement.partition;
                out.collect(update);
                return;
            }
        }
        rejections.count(PriorityRejection.UNKNOWN_TRANSITION);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PriorityEntry> out)
            throws Exception {
        Long due = cleanupAt.value();
        if (due != null && due == timestamp) {
            placements.clear();
            cleanupAt.clear();
        }
    }

    /** Counters by reason; for tests. */
    public PriorityRejections rejections() {
        return rejections;
    }
}
