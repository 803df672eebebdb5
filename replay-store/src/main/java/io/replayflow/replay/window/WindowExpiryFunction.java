package io.replayflow.replay.window;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FileSystems;
import io.replayflow.replay.episode.EpisodePlacement;
import io.replayflow.replay.job.ReplayMetrics;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the partitions that have left the window ({@link WindowRule}) from the replay dataset,
 * together with their priority files. Runs at parallelism 1 on a constant key; input is the
 * enrichment's {@link EpisodePlacement}s, which carry the row counts per partition and the event
 * time (the watermark) the rule compares against.
 *
 * <h2>Mechanism</h2>
 *
 * Every {@code checkIntervalMs} (processing time) it evaluates the rule over the partitions it has
 * counted and, for the duration rule, over every partition directory it finds on the file system
 * (so partitions written before a state loss, and orphaned priority directories, expire too). An
 * expired partition is first marked, then deleted {@code deleteDelayMs} later, so files still in
 * flight commit before their directory goes. Emits the relative directory of each partition it
 * deleted. Readers tolerate a partition disappearing: their next refresh drops its rows.
 */
public class WindowExpiryFunction extends KeyedProcessFunction<Integer, EpisodePlacement, String> {

    private static final Logger LOG = LoggerFactory.getLogger(WindowExpiryFunction.class);

    /** The constant key the job keys placements by, so one subtask sees them all. */
    public static final int KEY = 0;

    private final String datasetUri;
    private final WindowRule rule;
    private final long checkIntervalMs;
    private final long deleteDelayMs;

    private transient MapState<String, PartitionStat> partitions;
    private transient MapState<String, Long> deleteAt;
    private transient ValueState<Long> nextCheck;
    private transient Counter expired;
    private transient long windowTransitions;
    private transient long windowPartitions;

    public WindowExpiryFunction(
            String datasetUri, WindowRule rule, long checkIntervalMs, long deleteDelayMs) {
        this.datasetUri = datasetUri;
        this.rule = rule;
        this.checkIntervalMs = checkIntervalMs;
        this.deleteDelayMs = deleteDelayMs;
    }

    @Override
    public void open(OpenContext openContext) {
        partitions =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "window-partitions",
                                        Types.STRING,
                                        TypeInformation.of(PartitionStat.class)));
        deleteAt =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "window-delete-at", Types.STRING, Types.LONG));
        nextCheck =
                getRuntimeContext().getState(new ValueStateDescriptor<>("next-check", Types.LONG));
        MetricGroup metrics = ReplayMetrics.group(getRuntimeContext().getMetricGroup());
        expired = metrics.counter(ReplayMetrics.PARTITIONS_EXPIRED);
        metrics.gauge(ReplayMetrics.WINDOW_TRANSITIONS, () -> windowTransitions);
        metrics.gauge(ReplayMetrics.WINDOW_PARTITIONS, () -> windowPartitions);
    }

    @Override
    public void processElement(EpisodePlacement placement, Context ctx, Collector<String> out)
            throws Exception {
        if (deleteAt.contains(placement.partition)) {
            return; // late rows of a partition already leaving; the lateness rule prevents this
        }
        PartitionStat stat = partitions.get(placement.partition);
        if (stat == null) {
            stat = new PartitionStat(placement.envId, placement.hourStartMs, 0);
        }
        stat.rows += placement.rows;
        partitions.put(placement.partition, stat);
        if (nextCheck.value() == null) {
            schedule(ctx.timerService().currentProcessingTime(), ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out)
            throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        mark(watermark, timestamp);
        deleteDue(timestamp, out);
        updateGauges();
        schedule(timestamp, ctx);
    }

    private void mark(long watermark, long now) throws Exception {
        Map<String, PartitionStat> counted = new HashMap<>();
        for (Map.Entry<String, PartitionStat> e : partitions.entries()) {
            counted.put(e.getKey(), e.getValue());
        }
        Set<String> leaving = rule.expired(counted, watermark);
        for (String partition : listPartitions()) {
            Optional<PartitionPath> parsed = PartitionPath.parse(partition);
            if (parsed.isPresent()
                    && rule.expiredByDuration(parsed.get().hourStartMs(), watermark)) {
                leaving.add(partition);
            }
        }
        for (String partition : leaving) {
            if (!deleteAt.contains(partition)) {
                deleteAt.put(partition, now + deleteDelayMs);
                LOG.info(
                        "partition {} left the window (watermark {}); deleting it in {} ms",
                        partition,
                        watermark,
                        deleteDelayMs);
            }
        }
    }

    private void deleteDue(long now, Collector<String> out) throws Exception {
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Long> e : deleteAt.entries()) {
            if (e.getValue() <= now) {
                due.add(e.getKey());
            }
        }
        Path dataset = new Path(datasetUri);
        FileSystem fs = FileSystems.of(dataset);
        for (String partition : due) {
            delete(fs, new Path(dataset, partition));
            delete(fs, new Path(new Path(dataset, DatasetLayout.PRIORITIES_DIR), partition));
            partitions.remove(partition);
            deleteAt.remove(partition);
            expired.inc();
            out.collect(partition);
        }
    }

    private void updateGauges() throws Exception {
        long rows = 0;
        long count = 0;
        for (PartitionStat stat : partitions.values()) {
            rows += stat.rows;
            count++;
        }
        windowTransitions = rows;
        windowPartitions = count;
    }

    private void schedule(long now, Context ctx) throws IOException {
        long at = now + checkIntervalMs;
        ctx.timerService().registerProcessingTimeTimer(at);
        nextCheck.update(at);
    }

    /** Relative directories {@code env_id=…/date=…/hour=…} under the dataset and its priorities. */
    private List<String> listPartitions() throws IOException {
        Path dataset = new Path(datasetUri);
        FileSystem fs = FileSystems.of(dataset);
        List<String> out = new ArrayList<>();
        collect(fs, dataset, "", 0, out);
        collect(fs, new Path(dataset, DatasetLayout.PRIORITIES_DIR), "", 0, out);
        return out;
    }

    private static void collect(FileSystem fs, Path dir, String prefix, int depth, List<String> out)
            throws IOException {
        FileStatus[] children;
        try {
            children = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return;
        }
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (!child.isDir() || DatasetLayout.isHidden(name) || !name.contains("=")) {
                continue;
            }
            String relative = prefix.isEmpty() ? name : prefix + "/" + name;
            if (depth == 2) {
                out.add(relative);
            } else {
                collect(fs, child.getPath(), relative, depth + 1, out);
            }
        }
    }

    private static void delete(FileSystem fs, Path dir) throws IOException {
        try {
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (FileNotFoundException e) {
            // already gone
        }
    }
}
