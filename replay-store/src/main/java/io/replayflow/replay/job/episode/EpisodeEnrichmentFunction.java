package io.replayflow.replay.job.episode;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.episode.EpisodeEnrichment;
import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.episode.EpisodePlacement;
import io.replayflow.replay.job.ReplayMetrics;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.segment.SegmentCutter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Buffers each episode's steps (keyed by {@link EpisodeKeys}) until the episode ends, then emits
 * its rows with n-step targets and returns-to-go filled ({@link EpisodeEnrichment}), and one {@link
 * EpisodePlacement} per partition on the side output {@link #PLACEMENTS}.
 *
 * <h2>When an episode is written</h2>
 *
 * <ul>
 *   <li>At its last step ({@code terminated} or {@code truncated}): every row gets its targets and
 *       its return-to-go.
 *   <li>Open episodes: when no step arrived for {@code idleTimeout} (processing time), the rows
 *       seen so far are written as an {@link io.replayflow.replay.nstep.EpisodeEnd#OPEN} run: the
 *       tail bootstraps from the last next_obs seen (as if truncated), {@code return_to_go} is null
 *       and {@code episode_complete} false. Steps arriving later start a new buffer.
 * </ul>
 *
 * <h2>Segment datasets</h2>
 *
 * With a segment length T ({@code replay.dataset.kind=segments}) the buffered steps are also
 * written as soon as T of them arrived, so a segment waits for T steps, not for its episode's end;
 * each flush is cut into segments by {@link SegmentCutter} (after dropping rows too late), so a
 * segment never spans two episodes nor two flushes. The n-step and return-to-go columns of such
 * rows are computed over their flush, not over the whole episode.
 *
 * <h2>Episodes open at a window boundary</h2>
 *
 * Each row is written to the partition of its own event time and expires with that partition: an
 * episode that straddles the window edge loses its oldest rows first, and the remaining rows keep
 * the targets computed over the whole episode (they were computed before any row expired). Rows
 * whose event time is already older than {@code watermark - allowedLateness} when their episode is
 * written are dropped and counted ({@code replay/rows_too_late}): the expiry never deletes a
 * partition newer than that horizon, so this guarantees no row lands in a partition that was
 * deleted, and it bounds an episode's useful length to the allowed lateness.
 *
 * <p>A duplicate step (same identity twice) keeps the first copy and is counted.
 *
 * <h2>In BATCH mode (backfill)</h2>
 *
 * Flink sorts each key's records by timestamp and fires a key's timers when its input ends. The
 * backfill sets each row's timestamp to its step ({@code Backfill.build}; event times tie when an
 * actor takes several steps in one millisecond), so an episode's last step arrives last, and an
 * episode without a last step in range is written as an open run when its key ends, as the idle
 * timeout does while streaming.
 */
public class EpisodeEnrichmentFunction extends KeyedProcessFunction<String, ReplayRow, ReplayRow> {

    /** Side output: where each episode's rows went. */
    public static final OutputTag<EpisodePlacement> PLACEMENTS =
            new OutputTag<>("episode-placements", TypeInformation.of(EpisodePlacement.class));

    private final int n;
    private final double gamma;
    private final long idleTimeoutMs;
    private final long allowedLatenessMs;
    private final int segmentLength;

    private transient MapState<Long, ReplayRow> steps;
    private transient ValueState<Long> idleTimer;
    private transient Counter duplicates;
    private transient Counter tooLate;
    private transient Counter completed;
    private transient Counter flushedOpen;
    private transient Counter rowsOut;
    private transient Counter segmentsOut;

    /** A transition dataset's enrichment: an episode is written at its end or idle flush. */
    public EpisodeEnrichmentFunction(
            int n, double gamma, long idleTimeoutMs, long allowedLatenessMs) {
        this(n, gamma, idleTimeoutMs, allowedLatenessMs, 0);
    }

    /**
     * @param segmentLength T of a segment dataset: the buffered steps are also written once T of
     *     them arrived, and every flush is cut into segments ({@link SegmentCutter}); 0 for a
     *     transition dataset
     */
    public EpisodeEnrichmentFunction(
            int n, double gamma, long idleTimeoutMs, long allowedLatenessMs, int segmentLength) {
        this.n = n;
        this.gamma = gamma;
        this.idleTimeoutMs = idleTimeoutMs;
        this.allowedLatenessMs = allowedLatenessMs;
        this.segmentLength = segmentLength;
    }

    @Override
    public void open(OpenContext openContext) {
        steps =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "episode-steps",
                                        Types.LONG,
                                        TypeInformation.of(ReplayRow.class)));
        idleTimer =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("episode-idle-timer", Types.LONG));
        MetricGroup metrics = ReplayMetrics.group(getRuntimeContext().getMetricGroup());
        duplicates = metrics.counter(ReplayMetrics.DUPLICATE_STEPS);
        tooLate = metrics.counter(ReplayMetrics.ROWS_TOO_LATE);
        completed = metrics.counter(ReplayMetrics.EPISODES_COMPLETED);
        flushedOpen = metrics.counter(ReplayMetrics.EPISODES_FLUSHED_OPEN);
        rowsOut = metrics.counter(ReplayMetrics.ROWS_ENRICHED);
        segmentsOut = metrics.counter(ReplayMetrics.SEGMENTS_WRITTEN);
    }

    @Override
    public void processElement(ReplayRow row, Context ctx, Collector<ReplayRow> out)
            throws Exception {
        if (steps.contains(row.step)) {
            duplicates.inc();
            return;
        }
        steps.put(row.step, row);
        if (row.endsEpisode()) {
            completed.inc();
            flush(ctx, out);
            return;
        }
        if (segmentLength > 0 && buffered() >= segmentLength) {
            flush(ctx, out);
            return;
        }
        Long previous = idleTimer.value();
        if (previous != null) {
            ctx.timerService().deleteProcessingTimeTimer(previous);
        }
        long at = ctx.timerService().currentProcessingTime() + idleTimeoutMs;
        ctx.timerService().registerProcessingTimeTimer(at);
        idleTimer.update(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ReplayRow> out)
            throws Exception {
        Long due = idleTimer.value();
        if (due != null && due == timestamp) {
            flushedOpen.inc();
            flush(ctx, out);
        }
    }

    private void flush(Context ctx, Collector<ReplayRow> out) throws Exception {
        List<ReplayRow> rows = new ArrayList<>();
        for (ReplayRow row : steps.values()) {
            rows.add(row);
        }
        rows.sort(Comparator.comparingLong(r -> r.step));
        EpisodeEnrichment.enrich(rows, n, gamma);
        long watermark = ctx.timerService().currentWatermark();
        // No horizon before the first watermark, nor at the end of a bounded input (a backfill's
        // timers fire at watermark MAX_VALUE): no partition expires behind it there.
        long horizon =
                watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE
                        ? Long.MIN_VALUE
                        : watermark - allowedLatenessMs;
        List<ReplayRow> kept = new ArrayList<>(rows.size());
        for (ReplayRow row : rows) {
            if (row.eventTimeMs < horizon) {
                tooLate.inc();
            } else {
                kept.add(row);
            }
        }
        if (segmentLength > 0) {
            segmentsOut.inc(SegmentCutter.cut(kept, segmentLength));
        }
        Map<PartitionPath, EpisodePlacement> placements = new LinkedHashMap<>();
        for (ReplayRow row : kept) {
            out.collect(row);
            rowsOut.inc();
            place(placements, row);
        }
        for (EpisodePlacement placement : placements.values()) {
            ctx.output(PLACEMENTS, placement);
        }
        steps.clear();
        Long timer = idleTimer.value();
        if (timer != null) {
            ctx.timerService().deleteProcessingTimeTimer(timer);
            idleTimer.clear();
        }
    }

    private int buffered() throws Exception {
        int count = 0;
        for (Long ignored : steps.keys()) {
            count++;
        }
        return count;
    }

    /** Keyed by partition, whose directory name is built once per placement, not per row. */
    private static void place(Map<PartitionPath, EpisodePlacement> placements, ReplayRow row) {
        PartitionPath partition = row.partition();
        EpisodePlacement p =
                placements.computeIfAbsent(
                        partition,
                        key -> {
                            EpisodePlacement fresh = new EpisodePlacement();
                            fresh.envId = row.envId;
                            fresh.actorId = row.actorId;
                            fresh.episodeId = row.episodeId;
                            fresh.partition = key.relativePath();
                            fresh.hourStartMs = partition.hourStartMs();
                            fresh.fromStep = row.step;
                            fresh.toStep = row.step;
                            fresh.maxEventTimeMs = row.eventTimeMs;
                            return fresh;
                        });
        p.fromStep = Math.min(p.fromStep, row.step);
        p.toStep = Math.max(p.toStep, row.step);
        p.maxEventTimeMs = Math.max(p.maxEventTimeMs, row.eventTimeMs);
        p.rows++;
    }
}
