package io.replayflow.replay.read.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Binary;

/**
 * Dictionary encoding of a string column across every loaded file: each distinct value gets a dense
 * int id for good, so a row stores 4 bytes instead of a string.
 *
 * <p>Lookups by Parquet {@link Binary} avoid creating a {@code String} per row; consecutive rows
 * that hand over the very same {@code Binary} (values of a dictionary-encoded page) skip even the
 * hash. Cost: O(length of the value) per lookup, O(1) on the identity fast path. Not thread-safe.
 */
public final class StringDictionary {

    private final Map<Binary, Integer> ids = new HashMap<>();
    private final List<String> values = new ArrayList<>();
    private Binary lastBinary;
    private int lastId = -1;

    /** The id of {@code value}, adding it when new. */
    public int idOf(Binary value) {
        if (value == lastBinary && !value.isBackingBytesReused()) {
            return lastId;
        }
        Integer id = ids.get(value);
        if (id == null) {
            Binary key = Binary.fromConstantByteArray(value.getBytes());
            id = values.size();
            ids.put(key, id);
            values.add(key.toStringUsingUTF8());
        }
        lastBinary = value;
        lastId = id;
        return id;
    }

    /** The id of {@code value}, or -1 if no row has held it. */
    public int find(String value) {
        Integer id = ids.get(Binary.fromString(value));
        return id == null ? -1 : id;
    }

    /** The value of {@code id}. */
    public String value(int id) {
        return values.get(id);
    }

    public int size() {
        return values.size();
    }
}
