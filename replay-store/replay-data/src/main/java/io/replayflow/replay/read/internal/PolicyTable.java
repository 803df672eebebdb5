package io.replayflow.replay.read.internal;

import java.util.Arrays;

/**
 * Dictionary encoding of policy versions: a dataset holds a handful, so each row stores an index
 * into this table. Cost: O(1) for a repeat of the last version, O(v) otherwise for v versions. Not
 * thread-safe.
 */
public final class PolicyTable {

    private long[] versions = new long[8];
    private int size;
    private int lastIndex = -1;

    public int indexOf(long version) {
        if (lastIndex >= 0 && versions[lastIndex] == version) {
            return lastIndex;
        }
        for (int i = 0; i < size; i++) {
            if (versions[i] == version) {
                lastIndex = i;
                return i;
            }
        }
        if (size == versions.length) {
            versions = Arrays.copyOf(versions, size * 2);
        }
        versions[size] = version;
        lastIndex = size;
        return size++;
    }

    public long version(int index) {
        return versions[index];
    }

    public int size() {
        return size;
    }
}
