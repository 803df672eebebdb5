package io.replayflow.ingest.validate;

import io.replayflow.schemas.serde.DecodeException;

/**
 * Why ingest refused a record: the {@code reason} code of its {@code DeadLetter}. The first eight
 * are the schemas serde's {@link DecodeException.Reason}s, with the same names; the next seven are
 * ingest's own checks of a decoded transition (the join job applies them to decisions and outcomes
 * too); those that start with "join:" are the join job's. The names are a contract (dashboards
 * count by them): add codes, never rename one.
 */
public enum RejectReason {
    EMPTY_PAYLOAD("null or zero-length value"),
    BAD_MARKER("not Avro single-object encoding (does not start with C3 01)"),
    TRUNCATED_HEADER("shorter than the 10-byte single-object header"),
    UNKNOWN_FINGERPRINT("the writer schema is not a released Transition schema"),
    WRONG_RECORD_TYPE("a released schema of another record type"),
    TRUNCATED_BODY("the Avro body ends early"),
    CORRUPT_BODY("the Avro body does not parse"),
    TRAILING_BYTES("bytes left after a complete record"),
    MISSING_ID("env_id, actor_id or episode_id is empty"),
    NEGATIVE_STEP("step is below 0"),
    NON_FINITE_VALUE("NaN or infinity in obs, next_obs or reward"),
    SHAPE_MISMATCH("obs and next_obs (or their images) disagree, or an image's bytes do not fit"),
    SPEC_MISMATCH("the observation shape differs from the env's known or first-seen shape"),
    ACTION_OUT_OF_RANGE("action outside the env's action space"),
    BEHAVIOR_PROB_OUT_OF_RANGE("behavior_prob outside (0, 1]"),
    UNKNOWN_DECISION(
            "join: a reward for a decision id its session never had (checked once the watermark"
                    + " passed the reward's time)"),
    REWARD_AFTER_HORIZON(
            "join: a reward later than join.reward-horizon after its decision, or for a decision"
                    + " already joined"),
    DECISION_AFTER_END("join: a decision later than its session's end call"),
    DECISION_OUT_OF_ORDER(
            "join: a decision earlier than one of its session already joined (later than the"
                    + " watermark allows)");

    private final String description;

    RejectReason(String description) {
        this.description = description;
    }

    /** One line for the docs. */
    public String description() {
        return description;
    }

    /** The code of a decode failure. */
    public static RejectReason of(DecodeException.Reason reason) {
        return valueOf(reason.name());
    }
}
