package io.replayflow.actor.serve.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.replayflow.actor.metrics.ServeMetrics.Refusal;
import io.replayflow.actor.serve.decide.DecisionRequest;
import java.io.IOException;
import java.util.BitSet;
import java.util.Objects;

/**
 * Turns request bodies into validated values, or an {@link ApiError} naming the first field at
 * fault. {@code NaN} and {@code Infinity} tokens (which Python's {@code json.dumps} writes) are
 * read so that they can be refused by name rather than as malformed JSON.
 *
 * <p>Thread-safe and stateless.
 */
public final class RequestParser {

    /** The longest session id accepted, in characters. */
    public static final int MAX_SESSION_ID = 256;

    /** A reward for one decision, validated. */
    public record RewardCall(String decisionId, String sessionId, double reward, String rewardId) {}

    /** A session end, validated; {@code finalObs} may be null. */
    public record EndCall(
            String sessionId, float[] finalObs, boolean terminated, boolean truncated) {}

    static final ObjectMapper JSON =
            JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final String policy;
    private final int observationSize;
    private final int numActions;

    public RequestParser(String policy, int observationSize, int numActions) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.observationSize = observationSize;
        this.numActions = numActions;
    }

    /** A streaming reader of the common decision body, for this policy and shape. */
    public DecisionBodyReader streamingReader() {
        return new DecisionBodyReader(JSON.getFactory(), policy, observationSize, numActions);
    }

    /** The body as a JSON object. */
    public static JsonNode object(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiError(
                    400,
                    Refusal.MALFORMED_JSON,
                    "body",
                    "the body is not valid JSON ("
                            + e.getOriginalMessage()
                            + "): send one JSON object with Content-Type: application/json");
        } catch (IOException e) {
            throw new ApiError(400, Refusal.MALFORMED_JSON, "body", "cannot read the body: " + e);
        }
        if (node == null || !node.isObject()) {
            throw new ApiError(
                    400,
                    Refusal.MALFORMED_JSON,
                    "body",
                    "the body must be a JSON object, e.g. {\"policy\": ..., \"session_id\": ...,"
                            + " \"obs\": [...]}");
        }
        return node;
    }

    /** {@code {policy, session_id, obs, [allowed_actions]}}; {@code at} prefixes field names. */
    public DecisionRequest decision(JsonNode body, String at) {
        String asked = text(body, at, "policy");
        if (!policy.equals(asked)) {
            throw new ApiError(
                    404,
                    Refusal.UNKNOWN_POLICY,
                    at + "policy",
                    "unknown policy '"
                            + asked
                            + "': this service serves '"
                            + policy
                            + "'; send \"policy\": \""
                            + policy
                            + "\" or call the service that serves it");
        }
        String session = sessionId(text(body, at, "session_id"), at + "session_id");
        float[] obs = floats(body.get("obs"), at + "obs");
        int[] allowed = allowed(body.get("allowed_actions"), at + "allowed_actions");
        return new DecisionRequest(session, obs, allowed);
    }

    /** {@code {decision_id, reward, [reward_id]}}. */
    public RewardCall reward(JsonNode body, String at) {
        String decisionId = text(body, at, "decision_id");
        int colon = decisionId.lastIndexOf(':');
        if (colon <= 0 || colon == decisionId.length() - 1) {
            throw ApiError.badField(
                    at + "decision_id",
                    "decision_id '"
                            + decisionId
                            + "' is not one this service returned: send the decision_id of a"
                            + " POST /v1/decisions answer unchanged");
        }
        JsonNode reward = body.get("reward");
        if (reward == null || !reward.isNumber()) {
            throw ApiError.badField(
                    at + "reward", at + "reward is required and must be a number, e.g. 1.0");
        }
        double value = reward.doubleValue();
        if (!Double.isFinite(value)) {
            throw ApiError.badField(
                    at + "reward", at + "reward is " + value + ": rewards must be finite");
        }
        JsonNode id = body.get("reward_id");
        String rewardId = null;
        if (id != null && !id.isNull()) {
            if (!id.isTextual() || id.textValue().isEmpty()) {
                throw ApiError.badField(
                        at + "reward_id",
                        at
                                + "reward_id must be a non-empty string (or left out) so a resent"
                                + " reward counts once");
            }
            rewardId = id.textValue();
        }
        return new RewardCall(decisionId, decisionId.substring(0, colon), value, rewardId);
    }

    /** {@code {[final_obs], terminated, truncated}} for {@code sessionId}. */
    public EndCall end(String sessionId, JsonNode body, String at) {
        String session = sessionId(sessionId, at + "session_id");
        JsonNode finalObs = body.get("final_obs");
        float[] obs =
                finalObs == null || finalObs.isNull() ? null : floats(finalObs, at + "final_obs");
        boolean terminated = flag(body, at, "terminated");
        boolean truncated = flag(body, at, "truncated");
        if (!terminated && !truncated) {
            throw ApiError.badField(
                    at + "terminated",
                    "an end needs \"terminated\": true (the task reached a terminal state) or"
                            + " \"truncated\": true (it was cut short)");
        }
        return new EndCall(session, obs, terminated, truncated);
    }

    private static String text(JsonNode body, String at, String name) {
        JsonNode node = body.get(name);
        if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
            throw ApiError.badField(
                    at + name, at + name + " is required and must be a non-empty string");
        }
        return node.textValue();
    }

    private static String sessionId(String id, String field) {
        if (id.isEmpty() || id.length() > MAX_SESSION_ID) {
            throw ApiError.badField(
                    field,
                    field + " must be 1 to " + MAX_SESSION_ID + " characters; got " + id.length());
        }
        return id;
    }

    private static boolean flag(JsonNode body, String at, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiError.badField(at + name, at + name + " must be true or false");
        }
        return node.booleanValue();
    }

    private float[] floats(JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw ApiError.badField(
                    field,
                    field + " is required and must be an array of " + observationSize + " numbers");
        }
        if (node.size() != observationSize) {
            throw ApiError.badField(
                    field,
                    field
                            + " has "
                            + node.size()
                            + " values; the policy '"
                            + policy
                            + "' takes "
                            + observationSize);
        }
        float[] out = new float[observationSize];
        for (int i = 0; i < observationSize; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber()) {
                throw ApiError.badField(
                        field + "[" + i + "]", field + "[" + i + "] is " + v + ", not a number");
            }
            float f = v.floatValue();
            if (!Float.isFinite(f)) {
                throw ApiError.badField(
                        field + "[" + i + "]",
                        field
                                + "["
                                + i
                                + "] is "
                                + v.asText()
                                + " (as float32: "
                                + f
                                + "); observations must be finite");
            }
            out[i] = f;
        }
        return out;
    }

    private int[] allowed(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiError.badField(
                    field,
                    field
                            + " must be a non-empty array of action indices in [0, "
                            + numActions
                            + "), or left out to allow all");
        }
        BitSet seen = new BitSet(numActions);
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isInt() || v.intValue() < 0 || v.intValue() >= numActions) {
                throw ApiError.badField(
                        field + "[" + i + "]",
                        field
                                + "["
                                + i
                                + "] is "
                                + v
                                + "; actions are integers in [0, "
                                + numActions
                                + ")");
            }
            if (seen.get(v.intValue())) {
                throw ApiError.badField(
                        field + "[" + i + "]",
                        field + "[" + i + "] repeats action " + v.intValue() + "; list each once");
            }
            seen.set(v.intValue());
            out[i] = v.intValue();
        }
        return out;
    }
}
