package io.replayflow.replay.scoring;

import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.PolicyRejectedException.Reason;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.replay.job.ReplayMetrics;
import io.replayflow.replay.job.ScoringConfig;
import io.replayflow.replay.row.ReplayRow;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores new replay rows (input 1) with the latest policy announced on {@code rf.policies} (input
 * 2, broadcast to every subtask), in batches: each row leaves with {@link ReplayRow#priority} set
 * to its {@link TdPriority} under that policy, or left at 0 when no policy is loaded or the row
 * does not fit the model, in which case {@code InitialPriorityFunction} downstream gives it the
 * running max.
 *
 * <h2>Policies</h2>
 *
 * An announcement of a followed name ({@link ScoringConfig#follows}) newer than the current policy
 * of that name goes through every check of the policy runtime's {@link PolicyLoader}. Rows already
 * buffered are scored with the old policy first; then, if the new one passed, it replaces the old
 * in the operator's {@link PolicyHolder} (the old one closes once no batch uses it) and is recorded
 * in broadcast state. A refused one is counted under {@code replay/policies_rejected_<reason>},
 * logged with the reason, and the old policy stays. Loading runs in the task thread (a few hundred
 * ms for a small model), so the rows wait meanwhile.
 *
 * <h2>Batches</h2>
 *
 * A batch goes to the model when it holds {@code batchSize} rows, when its first row has waited
 * {@code maxWait} (processing time), before every checkpoint barrier ({@link
 * #prepareSnapshotPreBarrier}) and at the end of input ({@link #finish}). So no row is ever in the
 * buffer when state is snapshotted, and the buffer needs no state of its own.
 *
 * <h2>Exactly once</h2>
 *
 * The loaded model is derived state: only the accepted announcement is checkpointed (broadcast
 * state, key {@value #LATEST}); on restore each subtask reads it back and loads that artifact again
 * (re-verified; if it is gone or changed, the rows enter at the running max and the refusal is
 * counted). Rows are replayed from the source after a restore and scored again with the same
 * policy, so the dataset gets the same priorities.
 *
 * <h2>Watermarks</h2>
 *
 * The policies input carries none and is ignored. A watermark of the rows input is held back while
 * rows are buffered and emitted after them, so it never overtakes a row.
 *
 * <p>Runs in one task thread (records, timer callbacks and checkpoints are serialized by Flink's
 * mailbox); not thread-safe otherwise.
 */
public final class TdScoringOperator extends AbstractStreamOperator<ReplayRow>
        implements TwoInputStreamOperator<ReplayRow, PolicyAnnouncement, ReplayRow> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TdScoringOperator.class);

    /** Broadcast state: {@link #LATEST} holds the announcement of the policy in use. */
    public static final MapStateDescriptor<String, PolicyAnnouncement> POLICY_STATE =
            new MapStateDescriptor<>(
                    "scoring-policy", Types.STRING, TypeInformation.of(PolicyAnnouncement.class));

    static final String LATEST = "latest";

    private static final int LATENCY_WINDOW = 1024;

    private final ScoringConfig config;
    private final PolicyLoader loader;
    private final PolicyAnnouncement initial; // null: none until one is announced

    private transient BroadcastState<String, PolicyAnnouncement> policyState;
    private transient PolicyAnnouncement current;
    private transient PolicyHolder holder; // null until a policy is loaded
    private transient TransitionScorer scorer;
    private transient List<ReplayRow> rows;
    private transient long[] timestamps; // per buffered row; Long.MIN_VALUE: none
    private transient Watermark heldWatermark;
    private transient long batchGeneration; // a timer flushes only the batch it was set for
    private transient StreamRecord<ReplayRow> outRecord;

    private transient Counter scored;
    private transient Counter unscored;
    private transient Counter batches;
    private transient Counter loads;
    private transient Histogram latencyUs;
    private transient Map<Reason, Counter> rejected;

    /**
     * @param config batch size, max wait, epsilon, policy name filter
     * @param loader verifies and opens announced artifacts; it must require Q-values ({@link
     *     PolicyLoader#tensorFlowQFunctions})
     */
    public TdScoringOperator(ScoringConfig config, PolicyLoader loader) {
        this(config, loader, null);
    }

    /**
     * As {@link #TdScoringOperator(ScoringConfig, PolicyLoader)}, scoring from the first row with
     * {@code initial} (loaded and verified in {@link #open()}, as an announcement would be) unless
     * a restore brings another: a backfill's {@code --score-with}, where a bounded run cannot wait
     * for the policies input.
     */
    public TdScoringOperator(
            ScoringConfig config, PolicyLoader loader, PolicyAnnouncement initial) {
        this.config = Objects.requireNonNull(config, "config");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.initial = initial;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        policyState = context.getOperatorStateStore().getBroadcastState(POLICY_STATE);
    }

    @Override
    public void open() throws Exception {
        super.open();
        rows = new ArrayList<>(config.batchSize());
        timestamps = new long[config.batchSize()];
        outRecord = new StreamRecord<>(null);
        scorer = new TransitionScorer(config.epsilon());
        registerMetrics(ReplayMetrics.group(getMetricGroup()));
        PolicyAnnouncement restored = policyState.get(LATEST);
        if (restored != null) {
            LOG.info("reloading {} for scoring after a restore", restored);
            install(restored);
        } else if (initial != null) {
            LOG.info("scoring every row with {}", initial);
            install(initial);
        }
    }

    @Override
    public void processElement1(StreamRecord<ReplayRow> element) throws Exception {
        if (holder == null) {
            output.collect(element);
            return;
        }
        int index = rows.size();
        rows.add(element.getValue());
        timestamps[index] = element.hasTimestamp() ? element.getTimestamp() : Long.MIN_VALUE;
        if (index == 0) {
            long generation = batchGeneration;
            long due =
                    getProcessingTimeService().getCurrentProcessingTime()
                            + config.maxWait().toMillis();
            getProcessingTimeService()
                    .registerTimer(
                            due,
                            time -> {
                                if (generation == batchGeneration) {
                                    flush();
                                }
                            });
        }
        if (rows.size() >= config.batchSize()) {
            flush();
        }
    }

    @Override
    public void processElement2(StreamRecord<PolicyAnnouncement> element) throws Exception {
        PolicyAnnouncement announced = element.getValue();
        if (!config.follows(announced.policyName)) {
            LOG.debug("ignoring {}: following '{}' only", announced, config.policyName());
            return;
        }
        if (current != null
                && current.policyName.equals(announced.policyName)
                && announced.version <= current.version) {
            reject(
                    new PolicyRejectedException(
                            Reason.NOT_NEWER,
                            announced.describe()
                                    + " is not newer than v"
                                    + current.version
                                    + ", which scores now"));
            return;
        }
        flush(); // rows that arrived before the announcement keep the policy they met
        install(announced);
    }

    /** Loads {@code announced}; on success it replaces the current policy. */
    private void install(PolicyAnnouncement announced) throws Exception {
        Policy policy;
        try {
            policy = loader.load(announced.toAnnounced());
        } catch (PolicyRejectedException e) {
            reject(e);
            return;
        }
        PolicyRef ref = PolicyRef.of(policy);
        if (holder == null) {
            holder = new PolicyHolder(ref); // takes over our reference
        } else {
            holder.replace(ref); // versions are ordered per name above, not across names
            ref.release();
        }
        current = announced;
        policyState.put(LATEST, announced);
        loads.inc();
        LOG.info("scoring new rows with {}", announced);
    }

    private void reject(PolicyRejectedException e) {
        rejected.get(e.reason()).inc();
        LOG.warn(
                "refused policy for scoring ({}), keeping {}: {}",
                e.reason(),
                current == null ? "the running max" : current.describe(),
                e.getMessage());
    }

    /** Scores and emits the buffered rows, then any watermark held behind them. */
    private void flush() {
        batchGeneration++;
        int n = rows.size();
        if (n > 0) {
            if (holder != null) {
                scoreBuffered(n);
            }
            for (int i = 0; i < n; i++) {
                if (timestamps[i] == Long.MIN_VALUE) {
                    outRecord.replace(rows.get(i));
                    outRecord.eraseTimestamp();
                } else {
                    outRecord.replace(rows.get(i), timestamps[i]);
                }
                output.collect(outRecord);
            }
            rows.clear();
        }
        if (heldWatermark != null) {
            output.emitWatermark(heldWatermark);
            heldWatermark = null;
        }
    }

    private void scoreBuffered(int n) {
        int ok = 0;
        long started = System.nanoTime();
        PolicyRef ref = holder.acquire();
        try {
            ok = scorer.score(ref.policy(), rows);
            batches.inc();
            latencyUs.update((System.nanoTime() - started) / 1_000);
        } catch (RuntimeException e) {
            for (ReplayRow row : rows) {
                row.priority = 0.0; // the running max, as if unscored
            }
            LOG.warn(
                    "scoring {} rows with {} failed; they enter at the running max: {}",
                    n,
                    current.describe(),
                    e.toString());
        } finally {
            ref.release();
        }
        scored.inc(ok);
        unscored.inc(n - ok);
    }

    /** Rows' watermarks bypass the two-input minimum: the policies input never has one. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // policies carry no event time
    }

    /** Emits {@code mark} now, or after the buffered rows when there are any. */
    @Override
    public void processWatermark(Watermark mark) {
        if (rows.isEmpty()) {
            output.emitWatermark(mark);
        } else {
            heldWatermark = mark;
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (holder != null) {
                holder.close();
                holder = null;
            }
        } finally {
            super.close();
        }
    }

    private void registerMetrics(MetricGroup metrics) {
        scored = metrics.counter(ReplayMetrics.TRANSITIONS_SCORED);
        unscored = metrics.counter(ReplayMetrics.TRANSITIONS_UNSCORED);
        batches = metrics.counter(ReplayMetrics.SCORING_BATCHES);
        loads = metrics.counter(ReplayMetrics.POLICY_LOADS);
        latencyUs =
                metrics.histogram(
                        ReplayMetrics.SCORING_BATCH_LATENCY_US,
                        new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        metrics.gauge(
                ReplayMetrics.SCORING_POLICY_VERSION,
                () -> holder == null || current == null ? -1L : current.version);
        rejected = new EnumMap<>(Reason.class);
        for (Reason reason : Reason.values()) {
            rejected.put(reason, metrics.counter(ReplayMetrics.policiesRejected(reason)));
        }
    }
}
