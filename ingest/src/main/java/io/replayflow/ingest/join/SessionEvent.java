package io.replayflow.ingest.join;

import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.ingest.validate.RejectReason;
import io.replayflow.ingest.validate.Rejection;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One record of {@code rf.decisions} or {@code rf.outcomes}, decoded and checked in the Kafka
 * source (so the source can track event time per partition), in the form the {@link SessionJoiner}
 * keys by session: a decision, a reward for a decision, a session's end, or a rejected record on
 * its way to the DLQ. It keeps the record it came from, so a refusal later in the join dead-letters
 * the exact bytes.
 *
 * <p>A Flink POJO with explicit {@link #TYPE} information, so Flink serializes it without Kryo.
 */
public class SessionEvent {

    /** Flink type information for streams of session events. */
    public static final TypeInformation<SessionEvent> TYPE = Types.POJO(SessionEvent.class);

    /** What the record says; REJECTED when it could not be decoded or failed a check. */
    public enum Kind {
        DECISION,
        REWARD,
        END,
        REJECTED
    }

    public Kind kind;
    public String sessionId;

    /** The decision a DECISION record makes or a REWARD record rewards; null for END. */
    public String decisionId;

    /** Event time, epoch milliseconds. */
    public long eventTimeMs;

    // DECISION
    public String envId;
    public String actorId;
    public float[] obs;
    public int action;
    public float probability;
    public long policyVersion;

    /** The service's sequence number: orders a session's decisions that share an event time. */
    public long sequence;

    // REWARD
    public double reward;

    /**
     * Identity of a reward for deduplication; null when the client gave none (never deduplicated).
     */
    public String rewardId;

    // END
    /** The observation after the last decision; null when the client did not send it. */
    public float[] finalObs;

    public boolean terminated;
    public boolean truncated;

    // REJECTED
    public RejectReason rejectReason;
    public String rejectMessage;

    /** The record this event was decoded from. */
    public RawRecord source;

    public SessionEvent() {}

    public static SessionEvent decision(
            String sessionId,
            String decisionId,
            long eventTimeMs,
            String envId,
            String actorId,
            float[] obs,
            int action,
            float probability,
            long policyVersion,
            long sequence) {
        SessionEvent e = of(Kind.DECISION, sessionId, decisionId, eventTimeMs);
        e.sequence = sequence;
        e.envId = envId;
        e.actorId = actorId;
        e.obs = obs;
        e.action = action;
        e.probability = probability;
        e.policyVersion = policyVersion;
        return e;
    }

    public static SessionEvent reward(
            String sessionId, String decisionId, long eventTimeMs, double reward, String rewardId) {
        SessionEvent e = of(Kind.REWARD, sessionId, decisionId, eventTimeMs);
        e.reward = reward;
        e.rewardId = rewardId;
        return e;
    }

    public static SessionEvent end(
            String sessionId,
            long eventTimeMs,
            float[] finalObs,
            boolean terminated,
            boolean truncated) {
        SessionEvent e = of(Kind.END, sessionId, null, eventTimeMs);
        e.finalObs = finalObs;
        e.terminated = terminated;
        e.truncated = truncated;
        return e;
    }

    /**
     * A record refused before the join: no session, and an event time that never moves the
     * watermark.
     */
    public static SessionEvent rejected(Rejection rejection) {
        SessionEvent e = of(Kind.REJECTED, null, null, Long.MIN_VALUE);
        e.rejectReason = rejection.reason();
        e.rejectMessage = rejection.message();
        return e;
    }

    public Rejection rejection() {
        return new Rejection(rejectReason, rejectMessage);
    }

    /** This event with {@code raw} as its source record. */
    public SessionEvent from(RawRecord raw) {
        this.source = raw;
        return this;
    }

    private static SessionEvent of(Kind kind, String sessionId, String decisionId, long time) {
        SessionEvent e = new SessionEvent();
        e.kind = kind;
        e.sessionId = sessionId;
        e.decisionId = decisionId;
        e.eventTimeMs = time;
        return e;
    }

    @Override
    public String toString() {
        return kind
                + " "
                + sessionId
                + (decisionId == null ? "" : "/" + decisionId)
                + "@"
                + eventTimeMs;
    }
}
