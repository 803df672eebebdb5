package io.replayflow.ingest.join;

import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.ingest.validate.DecodeAndValidate;
import io.replayflow.ingest.validate.RejectReason;
import io.replayflow.ingest.validate.Rejection;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.Outcome;
import io.replayflow.schemas.avro.Reward;
import io.replayflow.schemas.avro.SessionEnd;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes a record of the decisions topic (a {@code Decision}) or the outcomes topic (an {@code
 * Outcome}: a reward or a session's end) and applies every check that needs no state. Which
 * contract a record must follow comes from its topic's base name. One instance per source reader;
 * not thread-safe.
 */
final class SessionRecords {

    private final SingleObjectSerde<Decision> decisions =
            SingleObjectSerde.forClass(Decision.class);
    private final SingleObjectSerde<Outcome> outcomes = SingleObjectSerde.forClass(Outcome.class);

    /** The event of {@code raw}, or a {@link SessionEvent.Kind#REJECTED} one naming the problem. */
    SessionEvent decode(RawRecord raw) {
        SessionEvent event;
        try {
            event =
                    raw.topic != null && raw.topic.endsWith("decisions")
                            ? decision(decode(decisions, raw, "Decision"))
                            : outcome(decode(outcomes, raw, "Outcome"));
        } catch (DecodeException e) {
            event = SessionEvent.rejected(DecodeAndValidate.rejectionOf(e));
        } catch (Refused r) {
            event = SessionEvent.rejected(r.rejection);
        }
        return event.from(raw);
    }

    private static SessionEvent decision(Decision d) throws Refused {
        String session = required(d.getSessionId(), "session_id");
        String id = required(d.getDecisionId(), "decision_id");
        float[] obs = finite(d.getObs(), "obs");
        if (obs.length == 0) {
            throw new Refused(
                    RejectReason.SHAPE_MISMATCH,
                    "decision "
                            + id
                            + " has an empty obs; log the observation the action was"
                            + " chosen for");
        }
        if (d.getAction() < 0 || d.getAction() >= d.getNumActions()) {
            throw new Refused(
                    RejectReason.ACTION_OUT_OF_RANGE,
                    "decision "
                            + id
                            + " has action "
                            + d.getAction()
                            + " outside [0, num_actions = "
                            + d.getNumActions()
                            + ")");
        }
        float p = d.getProbability();
        if (!(p > 0f && p <= 1f)) {
            throw new Refused(
                    RejectReason.BEHAVIOR_PROB_OUT_OF_RANGE,
                    "decision " + id + " has probability " + p + "; it must be in (0, 1]");
        }
        return SessionEvent.decision(
                session,
                id,
                d.getEventTimeMs(),
                d.getEnvId().toString(),
                d.getServiceId().toString(),
                obs,
                d.getAction(),
                p,
                d.getPolicyVersion(),
                d.getSequence());
    }

    private static SessionEvent outcome(Outcome o) throws Refused {
        String session = required(o.getSessionId(), "session_id");
        if (o.getOutcome() instanceof Reward r) {
            String decision = required(r.getDecisionId(), "decision_id");
            if (!Double.isFinite(r.getReward())) {
                throw new Refused(
                        RejectReason.NON_FINITE_VALUE,
                        "the reward for decision "
                                + decision
                                + " is "
                                + r.getReward()
                                + "; send a finite number");
            }
            CharSequence rewardId = r.getRewardId();
            return SessionEvent.reward(
                    session,
                    decision,
                    o.getEventTimeMs(),
                    r.getReward(),
                    rewardId == null ? null : rewardId.toString());
        }
        SessionEnd end = (SessionEnd) o.getOutcome();
        return SessionEvent.end(
                session,
                o.getEventTimeMs(),
                end.getFinalObs() == null ? null : finite(end.getFinalObs(), "final_obs"),
                end.getTerminated(),
                end.getTruncated());
    }

    private static <T extends SpecificRecord> T decode(
            SingleObjectSerde<T> serde, RawRecord raw, String type) throws DecodeException {
        try {
            return serde.decode(raw.value);
        } catch (RuntimeException e) {
            throw new DecodeException(
                    DecodeException.Reason.CORRUPT_BODY,
                    "the " + type + " body could not be decoded (" + e + "): the bytes are corrupt",
                    e);
        }
    }

    private static String required(CharSequence value, String field) throws Refused {
        if (value == null || value.isEmpty()) {
            throw new Refused(RejectReason.MISSING_ID, field + " is empty; every record needs it");
        }
        return value.toString();
    }

    private static float[] finite(List<Float> values, String field) throws Refused {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
            if (!Float.isFinite(out[i])) {
                throw new Refused(
                        RejectReason.NON_FINITE_VALUE,
                        field + "[" + i + "] is " + out[i] + "; observations must be finite");
            }
        }
        return out;
    }

    /** A failed check, thrown inside this class only. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Rejection rejection;

        Refused(RejectReason reason, String message) {
            super(message, null, false, false);
            this.rejection = new Rejection(reason, message);
        }
    }
}
