package io.replayflow.actor.env.minatar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A MinAtar game state given as a JSON object with MinAtar's field names, read field by field with
 * messages that name the field, what it held and what it must hold.
 *
 * <p>A game reads the fields it knows; {@link #requireOnlyKnown} then refuses any other name, so a
 * misspelt field is an error rather than silently ignored.
 */
final class StateFields {
    private final String envId;
    private final ObjectNode json;
    private final List<String> known = new ArrayList<>();

    StateFields(String envId, ObjectNode json) {
        this.envId = envId;
        this.json = json;
    }

    /** Whether the object sets {@code name}; records the name as known either way. */
    boolean has(String name) {
        known.add(name);
        return json.has(name);
    }

    /** An integer in {@code [min, max]}. */
    int integer(String name, int min, int max) {
        JsonNode node = json.get(name);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
            throw bad(name, node, "a whole number from " + min + " to " + max);
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw bad(name, node, "a whole number from " + min + " to " + max);
        }
        return value;
    }

    /** One of {@code allowed}. */
    int oneOf(String name, int... allowed) {
        JsonNode node = json.get(name);
        if (node != null && node.isIntegralNumber() && node.canConvertToInt()) {
            for (int a : allowed) {
                if (node.intValue() == a) {
                    return a;
                }
            }
        }
        throw bad(name, node, "one of " + java.util.Arrays.toString(allowed));
    }

    /** {@code true}/{@code false}, or 0/1 as Python's booleans print in numbers. */
    boolean bool(String name) {
        JsonNode node = json.get(name);
        if (node != null && node.isBoolean()) {
            return node.booleanValue();
        }
        if (node != null
                && node.isIntegralNumber()
                && (node.intValue() == 0 || node.intValue() == 1)) {
            return node.intValue() == 1;
        }
        throw bad(name, node, "true or false");
    }

    /** A 10×10 grid: 10 rows (y = 0 at the top) of 10 values 0 or 1. */
    boolean[][] grid(String name) {
        JsonNode node = json.get(name);
        String rule = "10 rows of 10 values 0 or 1, row 0 at the top";
        if (node == null || !node.isArray() || node.size() != MinAtarGame.SIZE) {
            throw bad(name, node, rule);
        }
        boolean[][] grid = new boolean[MinAtarGame.SIZE][MinAtarGame.SIZE];
        for (int y = 0; y < MinAtarGame.SIZE; y++) {
            JsonNode row = node.get(y);
            if (!row.isArray() || row.size() != MinAtarGame.SIZE) {
                throw bad(name + "[" + y + "]", row, "a row of 10 values 0 or 1 (" + rule + ")");
            }
            for (int x = 0; x < MinAtarGame.SIZE; x++) {
                JsonNode v = row.get(x);
                if (!v.isNumber() || (v.doubleValue() != 0 && v.doubleValue() != 1)) {
                    throw bad(name + "[" + y + "][" + x + "]", v, "0 or 1");
                }
                grid[y][x] = v.doubleValue() == 1;
            }
        }
        return grid;
    }

    /** Refuses any field no {@link #has} call asked about. */
    void requireOnlyKnown() {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        envId + " state has no field \"" + name + "\"; its fields are " + known);
            }
        }
    }

    /** A grid as JSON: 10 arrays of 10 ints. */
    static ArrayNode gridJson(ObjectNode parent, boolean[][] grid) {
        ArrayNode rows = parent.arrayNode();
        for (boolean[] row : grid) {
            ArrayNode r = rows.addArray();
            for (boolean cell : row) {
                r.add(cell ? 1 : 0);
            }
        }
        return rows;
    }

    private IllegalArgumentException bad(String name, JsonNode node, String rule) {
        return new IllegalArgumentException(
                envId
                        + " state field "
                        + name
                        + " must be "
                        + rule
                        + "; got "
                        + (node == null ? "nothing" : node.toString()));
    }
}
