package io.replayflow.ingest.join;

import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.ingest.validate.DeadLetters;
import io.replayflow.ingest.validate.RejectReason;
import io.replayflow.ingest.validate.Rejection;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins one session's decisions, rewards and end into transitions, keyed by session id, in event
 * time.
 *
 * <p>Decision {@code d_i} (event time {@code t_i}) becomes the transition {@code (obs_i, action_i,
 * r_i, next_obs, terminated, truncated)} with step {@code i} (its index among the session's
 * decisions in event-time order), {@code behavior_prob} = its probability, {@code episode_id} = the
 * session id, where
 *
 * <pre>
 *   r_i      = Σ rewards of d_i with event time ≤ t_i + H        (H = join.reward-horizon)
 *   next_obs = obs_{i+1}  if d_{i+1} exists, else the end's final_obs, else obs_i
 *   ready    ⇔ watermark ≥ max(t_i + H, t_{i+1} or t_end)
 * </pre>
 *
 * Only the last decision is {@code terminated} (when the end says so) or else {@code truncated}.
 * Transitions leave in step order. Waiting for the watermark to pass the successor's time (not only
 * its arrival) guarantees that no decision between the two can still arrive on time.
 *
 * <p>Refusals go to {@link DeadLetters#TAG}: a reward later than {@code H} after its decision, or
 * for a decision already joined ({@code REWARD_AFTER_HORIZON}); a reward whose decision has not
 * arrived when the watermark passes the reward's time ({@code UNKNOWN_DECISION}: a decision is
 * never later than its rewards, so by then it would have arrived); a decision later than the
 * session's end ({@code DECISION_AFTER_END}) or earlier than one already joined ({@code
 * DECISION_OUT_OF_ORDER}). A second decision with the same id, a reward with a {@code reward_id}
 * already counted for its decision, and a second end are dropped and counted in {@code
 * join/duplicates_dropped}.
 *
 * <p>A session with no record for {@code join.session.idle-timeout} (processing time, so a stream
 * that stops still closes its sessions) is closed: every pending decision goes out, the last one
 * {@code truncated} with its own obs as {@code next_obs} unless an end arrived. A closed session
 * keeps only its decision and reward ids, for deduplication, until {@code join.session.retention}
 * after its last record; then a timer clears all its state. One processing-time timer per session
 * at a time serves both.
 *
 * <p>State per open session: {@link SessionMeta}, one {@link PendingDecision} per decision within
 * its horizon, one entry per decision id and per reward id, rewards that wait for their decision.
 */
public final class SessionJoiner extends KeyedProcessFunction<String, SessionEvent, Transition> {

    private static final long serialVersionUID = 1L;

    private static final Comparator<PendingDecision> EVENT_ORDER =
            Comparator.<PendingDecision>comparingLong(d -> d.eventTimeMs)
                    .thenComparingLong(d -> d.sequence)
                    .thenComparing(d -> d.decisionId);

    private final long horizonMs;
    private final long idleTimeoutMs;
    private final long retentionMs;

    private transient ValueState<SessionMeta> meta;
    private transient MapState<String, PendingDecision> pending;
    private transient MapState<String, Boolean> decisionIds;
    private transient MapState<String, Boolean> rewardIds;
    private transient ListState<SessionEvent> orphans;
    private transient DeadLetters deadLetters;
    private transient Counter transitionsOut;
    private transient Counter rewardsJoined;
    private transient Counter duplicatesDropped;
    private transient Counter idleTruncated;

    /**
     * @param horizon how long after a decision its rewards count
     * @param idleTimeout a session silent this long (processing time) is closed, truncated
     * @param retention how long a closed session's ids are kept to drop resends
     */
    public SessionJoiner(Duration horizon, Duration idleTimeout, Duration retention) {
        this.horizonMs = horizon.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.retentionMs = retention.toMillis();
        if (horizonMs < 0 || idleTimeoutMs <= 0 || retentionMs <= 0) {
            throw new IllegalArgumentException(
                    "horizon must be >= 0, idle timeout and retention > 0; were "
                            + Durations.format(horizon)
                            + ", "
                            + Durations.format(idleTimeout)
                            + ", "
                            + Durations.format(retention));
        }
    }

    @Override
    public void open(OpenContext openContext) {
        meta = getRuntimeContext().getState(new ValueStateDescriptor<>("meta", SessionMeta.TYPE));
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending", Types.STRING, PendingDecision.TYPE));
        decisionIds =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "decision-ids", Types.STRING, Types.BOOLEAN));
        rewardIds =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "reward-ids", Types.STRING, Types.BOOLEAN));
        orphans =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("orphans", SessionEvent.TYPE));
        MetricGroup join = JoinMetrics.group(getRuntimeContext().getMetricGroup());
        deadLetters = DeadLetters.inGroup(join);
        transitionsOut = join.counter(JoinMetrics.TRANSITIONS_OUT);
        rewardsJoined = join.counter(JoinMetrics.REWARDS_JOINED);
        duplicatesDropped = join.counter(JoinMetrics.DUPLICATES_DROPPED);
        idleTruncated = join.counter(JoinMetrics.SESSIONS_IDLE_TRUNCATED);
    }

    @Override
    public void processElement(SessionEvent e, Context ctx, Collector<Transition> out)
            throws Exception {
        SessionMeta m = meta.value();
        if (m == null) {
            m = new SessionMeta();
        }
        long now = ctx.timerService().currentProcessingTime();
        m.lastActivityMs = now;
        switch (e.kind) {
            case DECISION -> onDecision(e, m, ctx);
            case REWARD -> onReward(e, m, ctx);
            case END -> onEnd(e, m, ctx);
        }
        if (m.timerAtMs == 0) {
            m.timerAtMs = now + (m.closed ? retentionMs : idleTimeoutMs);
            ctx.timerService().registerProcessingTimeTimer(m.timerAtMs);
        }
        emitReady(ctx.getCurrentKey(), m, ctx.timerService().currentWatermark(), out);
        meta.update(m);
    }

    private void onDecision(SessionEvent d, SessionMeta m, Context ctx) throws Exception {
        if (decisionIds.contains(d.decisionId)) {
            duplicatesDropped.inc();
            return;
        }
        if (m.ended && d.eventTimeMs > m.endTimeMs) {
            reject(
                    ctx,
                    d,
                    RejectReason.DECISION_AFTER_END,
                    "the session ended at "
                            + m.endTimeMs
                            + " ms; start a new session id for new decisions");
            return;
        }
        if (d.eventTimeMs <= m.lastEmittedTimeMs) {
            reject(
                    ctx,
                    d,
                    RejectReason.DECISION_OUT_OF_ORDER,
                    "the session's decision at "
                            + m.lastEmittedTimeMs
                            + " ms is already joined; it arrived later than the"
                            + " watermark allows (raise join.watermark.out-of-orderness)");
            return;
        }
        m.closed = false; // a session closed by the idle timeout goes on
        PendingDecision p = PendingDecision.of(d);
        List<SessionEvent> waiting = new ArrayList<>();
        for (SessionEvent r : orphans.get()) {
            if (d.decisionId.equals(r.decisionId)) {
                addReward(p, r, ctx);
            } else {
                waiting.add(r);
            }
        }
        orphans.update(waiting);
        pending.put(p.decisionId, p);
        decisionIds.put(p.decisionId, false);
        ctx.timerService().registerEventTimeTimer(d.eventTimeMs);
        ctx.timerService().registerEventTimeTimer(d.eventTimeMs + horizonMs);
    }

    private void onReward(SessionEvent r, SessionMeta m, Context ctx) throws Exception {
        PendingDecision p = pending.get(r.decisionId);
        if (p != null) {
            addReward(p, r, ctx);
            pending.put(p.decisionId, p);
        } else if (decisionIds.contains(r.decisionId)) {
            if (isRepeat(r)) {
                duplicatesDropped.inc();
            } else {
                reject(
                        ctx,
                        r,
                        RejectReason.REWARD_AFTER_HORIZON,
                        "decision "
                                + r.decisionId
                                + " is already joined into a transition; send rewards within"
                                + " join.reward-horizon ("
                                + horizonMs
                                + " ms) of the decision");
            }
        } else {
            orphans.add(r);
            ctx.timerService().registerEventTimeTimer(r.eventTimeMs);
        }
    }

    private void onEnd(SessionEvent e, SessionMeta m, Context ctx) {
        if (m.ended) {
            duplicatesDropped.inc();
            return;
        }
        m.ended = true;
        m.endTimeMs = e.eventTimeMs;
        m.finalObs = e.finalObs;
        m.terminated = e.terminated;
        m.truncated = e.truncated;
        ctx.timerService().registerEventTimeTimer(e.eventTimeMs);
    }

    private void addReward(PendingDecision p, SessionEvent r, Context ctx) throws Exception {
        if (r.eventTimeMs > p.eventTimeMs + horizonMs) {
            reject(
                    ctx,
                    r,
                    RejectReason.REWARD_AFTER_HORIZON,
                    "the reward came "
                            + (r.eventTimeMs - p.eventTimeMs)
                            + " ms after its decision, beyond"
                            + " join.reward-horizon ("
                            + horizonMs
                            + " ms)");
            return;
        }
        if (isRepeat(r)) {
            duplicatesDropped.inc();
            return;
        }
        p.rewardSum += r.reward;
        rewardsJoined.inc();
    }

    /** True when {@code r}'s reward id was counted before; records it otherwise. */
    private boolean isRepeat(SessionEvent r) throws Exception {
        if (r.rewardId == null || r.rewardId.isEmpty()) {
            return false;
        }
        String key = r.decisionId + '\n' + r.rewardId;
        if (rewardIds.contains(key)) {
            return true;
        }
        rewardIds.put(key, true);
        return false;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Transition> out)
            throws Exception {
        SessionMeta m = meta.value();
        if (m == null) {
            return;
        }
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            long watermark = ctx.timerService().currentWatermark();
            rejectOrphansUpTo(watermark, ctx);
            emitReady(ctx.getCurrentKey(), m, watermark, out);
            meta.update(m);
            return;
        }
        if (timestamp != m.timerAtMs) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        if (m.closed) {
            if (now >= m.lastActivityMs + retentionMs) {
                clear();
                return;
            }
            m.timerAtMs = m.lastActivityMs + retentionMs;
        } else if (now >= m.lastActivityMs + idleTimeoutMs) {
            closeIdle(ctx.getCurrentKey(), m, ctx, out);
            m.timerAtMs = now + retentionMs;
        } else {
            m.timerAtMs = m.lastActivityMs + idleTimeoutMs;
        }
        ctx.timerService().registerProcessingTimeTimer(m.timerAtMs);
        meta.update(m);
    }

    private void rejectOrphansUpTo(long watermark, Context ctx) throws Exception {
        List<SessionEvent> waiting = new ArrayList<>();
        for (SessionEvent r : orphans.get()) {
            if (r.eventTimeMs <= watermark) {
                reject(
                        ctx,
                        r,
                        RejectReason.UNKNOWN_DECISION,
                        "session "
                                + r.sessionId
                                + " has no decision "
                                + r.decisionId
                                + "; send rewards with the"
                                + " decision_id the decision call returned");
            } else {
                waiting.add(r);
            }
        }
        orphans.update(waiting);
    }

    /** Emits, in order, every pending decision whose horizon and successor the watermark passed. */
    private void emitReady(
            String sessionId, SessionMeta m, long watermark, Collector<Transition> out)
            throws Exception {
        List<PendingDecision> queue = sortedPending();
        for (int i = 0; i < queue.size(); i++) {
            PendingDecision d = queue.get(i);
            PendingDecision next = i + 1 < queue.size() ? queue.get(i + 1) : null;
            if (next == null && !m.ended) {
                break; // the successor is unknown yet
            }
            long successorMs = next != null ? next.eventTimeMs : m.endTimeMs;
            if (watermark < Math.max(d.eventTimeMs + horizonMs, successorMs)) {
                break;
            }
            emit(sessionId, d, next, m, out);
        }
        if (m.ended && pending.isEmpty()) {
            m.closed = true;
        }
    }

    private void closeIdle(String sessionId, SessionMeta m, Context ctx, Collector<Transition> out)
            throws Exception {
        rejectOrphansUpTo(Long.MAX_VALUE, ctx);
        List<PendingDecision> queue = sortedPending();
        for (int i = 0; i < queue.size(); i++) {
            emit(sessionId, queue.get(i), i + 1 < queue.size() ? queue.get(i + 1) : null, m, out);
        }
        if (!m.ended && !queue.isEmpty()) {
            idleTruncated.inc();
        }
        m.closed = true;
    }

    private void emit(
            String sessionId,
            PendingDecision d,
            PendingDecision next,
            SessionMeta m,
            Collector<Transition> out)
            throws Exception {
        boolean last = next == null;
        boolean terminated = last && m.ended && m.terminated;
        float[] nextObs = !last ? next.obs : m.ended && m.finalObs != null ? m.finalObs : d.obs;
        out.collect(
                Transition.newBuilder()
                        .setEnvId(d.envId)
                        .setActorId(d.actorId)
                        .setEpisodeId(sessionId)
                        .setStep(m.nextStep++)
                        .setEventTimeMs(d.eventTimeMs)
                        .setObs(floats(d.obs))
                        .setAction(d.action)
                        .setReward((float) d.rewardSum)
                        .setNextObs(floats(nextObs))
                        .setTerminated(terminated)
                        .setTruncated(last && !terminated)
                        .setBehaviorProb(d.probability)
                        .setPolicyVersion(d.policyVersion)
                        .build());
        transitionsOut.inc();
        m.lastEmittedTimeMs = d.eventTimeMs;
        pending.remove(d.decisionId);
        decisionIds.put(d.decisionId, true);
    }

    private List<PendingDecision> sortedPending() throws Exception {
        List<PendingDecision> queue = new ArrayList<>();
        pending.values().forEach(queue::add);
        queue.sort(EVENT_ORDER);
        return queue;
    }

    private void reject(Context ctx, SessionEvent e, RejectReason reason, String message) {
        long now = ctx.timerService().currentProcessingTime();
        RawRecord source = e.source != null ? e.source : new RawRecord();
        DeadLetter letter = deadLetters.of(source, new Rejection(reason, message), now);
        ctx.output(DeadLetters.TAG, letter);
    }

    private void clear() {
        meta.clear();
        pending.clear();
        decisionIds.clear();
        rewardIds.clear();
        orphans.clear();
    }

    private static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }
}
