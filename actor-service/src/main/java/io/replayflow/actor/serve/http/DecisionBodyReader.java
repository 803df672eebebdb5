package io.replayflow.actor.serve.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonToken;
import io.replayflow.actor.serve.decide.DecisionRequest;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads a well-formed {@code POST /v1/decisions} body in one pass of Jackson's streaming parser,
 * without building a tree: {@code {"policy", "session_id", "obs": [numbers], ["allowed_actions":
 * [ints]]}}, other keys skipped, as {@link RequestParser#decision} reads it.
 *
 * <p>It only takes the common case. For anything else (a missing, repeated or mistyped field, a
 * wrong length, a non-finite value, an action out of range, malformed JSON) it answers {@code
 * null}, and the caller gives the body to {@link RequestParser}, whose tree model names the fault:
 * so every refusal keeps its one message, and a body this reader accepts yields the same request
 * the tree would (numbers are read as doubles and narrowed to float, as {@code
 * JsonNode.floatValue()} does).
 *
 * <p>The tree model cost about a tenth of the service's CPU under load (JFR, issue 19): a node per
 * value, a map per object, a second walk to validate.
 *
 * <p>Thread-safe and stateless.
 */
public final class DecisionBodyReader {
    private final JsonFactory json;
    private final String policy;
    private final int observationSize;
    private final int numActions;

    public DecisionBodyReader(
            JsonFactory json, String policy, int observationSize, int numActions) {
        this.json = Objects.requireNonNull(json, "json");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.observationSize = observationSize;
        this.numActions = numActions;
    }

    /** The request, or null when the body is anything but a valid common decision. */
    public DecisionRequest read(byte[] body) {
        try (JsonParser p = json.createParser(body)) {
            return read(p);
        } catch (IOException e) {
            return null; // malformed: the tree parser says where
        }
    }

    private DecisionRequest read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String session = null;
        float[] obs = null;
        int[] allowed = null;
        boolean policySeen = false;
        boolean allowedSeen = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "policy" -> {
                    if (policySeen || value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    policySeen = true;
                    if (!policy.equals(p.getText())) {
                        return null;
                    }
                }
                case "session_id" -> {
                    if (session != null || value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    session = p.getText();
                    if (session.isEmpty() || session.length() > RequestParser.MAX_SESSION_ID) {
                        return null;
                    }
                }
                case "obs" -> {
                    if (obs != null || value != JsonToken.START_ARRAY) {
                        return null;
                    }
                    obs = floats(p);
                    if (obs == null) {
                        return null;
                    }
                }
                case "allowed_actions" -> {
                    if (allowedSeen) {
                        return null;
                    }
                    allowedSeen = true;
                    if (value != JsonToken.VALUE_NULL) {
                        if (value != JsonToken.START_ARRAY) {
                            return null;
                        }
                        allowed = actions(p);
                        if (allowed == null) {
                            return null;
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT || !policySeen || session == null || obs == null) {
            return null;
        }
        return new DecisionRequest(session, obs, allowed);
    }

    /** After START_ARRAY: exactly observationSize finite numbers, or null. */
    private float[] floats(JsonParser p) throws IOException {
        float[] out = new float[observationSize];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == observationSize || !plainNumber(p, t)) {
                return null;
            }
            float f = (float) p.getDoubleValue();
            if (!Float.isFinite(f)) {
                return null;
            }
            out[n++] = f;
        }
        return n == observationSize ? out : null;
    }

    /** After START_ARRAY: a non-empty list of distinct actions in [0, numActions), or null. */
    private int[] actions(JsonParser p) throws IOException {
        int[] out = new int[numActions];
        long seen = 0;
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() != NumberType.INT
                    || n == numActions
                    || numActions > Long.SIZE) {
                return null;
            }
            int a = p.getIntValue();
            if (a < 0 || a >= numActions || (seen & (1L << a)) != 0) {
                return null;
            }
            seen |= 1L << a;
            out[n++] = a;
        }
        return n == 0 ? null : java.util.Arrays.copyOf(out, n);
    }

    /** An int or a double literal (NaN and Infinity are refused by the tree parser by name). */
    private static boolean plainNumber(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getNumberType() == NumberType.INT;
        }
        return t == JsonToken.VALUE_NUMBER_FLOAT && p.getNumberType() == NumberType.DOUBLE;
    }
}
