package io.replayflow.replay.job.priority;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.replay.job.ReplayMetrics;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.priority.PriorityFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current priority of every updated transition of one partition (keyed by partition
 * directory) and persists it beside the dataset as a compacted {@link PriorityFile}.
 *
 * <h2>Merge rule</h2>
 *
 * Last writer wins by trainer step ({@link PriorityEntry#supersedes}): an update with a lower
 * trainer step than the stored one is ignored and counted as stale. Replayed updates (after a
 * restore) carry the same step and value, so the merge is idempotent.
 *
 * <h2>Durability</h2>
 *
 * The merged state lives in Flink keyed state (checkpointed, restored on restart). {@code
 * flushIntervalMs} after a partition's first unsaved update, a processing-time timer rewrites the
 * partition's file from the whole state: a new file under a hidden name, renamed into place, older
 * ones deleted. After a failure the job restores the last checkpoint and Kafka replays the updates
 * since; merging them again reproduces the same state, so the next file is current again. A file
 * may briefly be ahead of the restored state, never inconsistent with the rule. State that was lost
 * or cleared is reloaded from the partition's file before the next merge, so the file is the record
 * and the state a cache of it.
 *
 * <h2>Running max</h2>
 *
 * Emits the largest priority this subtask has applied (stale updates do not count) whenever it
 * grows; the job broadcasts it so that new rows enter at {@code max(initial, running max)}.
 *
 * <p>A partition's state is cleared {@code retentionMs} after its last update (processing time); by
 * then it has expired from the window.
 */
public class PriorityStoreFunction extends KeyedProcessFunction<String, PriorityEntry, Double> {

    private static final Logger LOG = LoggerFactory.getLogger(PriorityStoreFunction.class);

    private final String datasetUri;
    private final long flushIntervalMs;
    private final long retentionMs;

    private transient MapState<String, PriorityEntry> entries;
    private transient ValueState<Long> flushAt;
    private transient ValueState<Long> lastUpdate;
    private transient Counter applied;
    private transient Counter stale;
    private transient Counter filesWritten;
    private transient double runningMax;

    public PriorityStoreFunction(String datasetUri, long flushIntervalMs, long retentionMs) {
        this.datasetUri = datasetUri;
        this.flushIntervalMs = flushIntervalMs;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        entries =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "priorities",
                                        Types.STRING,
                                        TypeInformation.of(PriorityEntry.class)));
        flushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
        lastUpdate =
                getRuntimeContext().getState(new ValueStateDescriptor<>("last-update", Types.LONG));
        MetricGroup metrics = ReplayMetrics.group(getRuntimeContext().getMetricGroup());
        applied = metrics.counter(ReplayMetrics.PRIORITY_UPDATES_APPLIED);
        stale = metrics.counter(ReplayMetrics.PRIORITY_UPDATES_STALE);
        filesWritten = metrics.counter(ReplayMetrics.PRIORITY_FILES_WRITTEN);
        metrics.gauge(ReplayMetrics.RUNNING_MAX_PRIORITY, () -> runningMax);
    }

    @Override
    public void processElement(PriorityEntry update, Context ctx, Collector<Double> out)
            throws Exception {
        if (lastUpdate.value() == null) {
            reloadFromFile(ctx.getCurrentKey());
        }
        String key = update.transitionKey();
        boolean fresh = PriorityEntry.supersedes(update, entries.get(key));
        if (fresh) {
            entries.put(key, update);
            applied.inc();
        } else {
            stale.inc();
        }
        long now = ctx.timerService().currentProcessingTime();
        lastUpdate.update(now);
        if (flushAt.value() == null) {
            long at = now + flushIntervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            flushAt.update(at);
        }
        if (fresh && update.priority > runningMax) {
            runningMax = update.priority;
            out.collect(runningMax);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Double> out)
            throws Exception {
        Long due = flushAt.value();
        if (due != null && timestamp >= due) {
            write(ctx.getCurrentKey());
            flushAt.clear();
            // one cleanup check per flush, not per update: at most one timer per interval
            ctx.timerService().registerProcessingTimeTimer(timestamp + retentionMs);
        }
        Long last = lastUpdate.value();
        if (last != null && timestamp >= last + retentionMs && flushAt.value() == null) {
            entries.clear();
            lastUpdate.clear();
        }
    }

    private void write(String partition) throws Exception {
        List<PriorityEntry> all = new ArrayList<>();
        for (Map.Entry<String, PriorityEntry> e : entries.entries()) {
            all.add(e.getValue());
        }
        Path dir = partitionDir(partition);
        PriorityFile.write(
                dir,
                all,
                System.currentTimeMillis(),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        filesWritten.inc();
        LOG.debug("wrote {} priorities of {}", all.size(), partition);
    }

    private void reloadFromFile(String partition) throws Exception {
        var latest = PriorityFile.latest(partitionDir(partition));
        if (latest.isEmpty()) {
            return;
        }
        for (PriorityEntry entry : PriorityFile.read(latest.get())) {
            String key = entry.transitionKey();
            entry.partition = partition;
            if (PriorityEntry.supersedes(entry, entries.get(key))) {
                entries.put(key, entry);
            }
        }
    }

    private Path partitionDir(String partition) {
        return new Path(new Path(new Path(datasetUri), DatasetLayout.PRIORITIES_DIR), partition);
    }
}
