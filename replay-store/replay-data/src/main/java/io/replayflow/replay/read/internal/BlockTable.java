package io.replayflow.replay.read.internal;

import java.util.Arrays;

/**
 * The admitted blocks ordered by first row id, to find the block that holds a row. Blocks are
 * admitted in row-id order, so adding is an append. Cost: {@link #blockOf} O(log b) for b blocks;
 * {@link #add} O(1) amortized; {@link #remove} O(b). Not thread-safe.
 */
public final class BlockTable {

    private int[] starts = new int[16];
    private FileBlock[] blocks = new FileBlock[16];
    private int size;

    public void add(FileBlock block) {
        if (size > 0 && block.firstRow <= starts[size - 1]) {
            throw new IllegalStateException(
                    "block rows must be admitted in id order: "
                            + block.firstRow
                            + " after "
                            + starts[size - 1]);
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            blocks = Arrays.copyOf(blocks, size * 2);
        }
        starts[size] = block.firstRow;
        blocks[size++] = block;
    }

    public void remove(FileBlock block) {
        int i = Arrays.binarySearch(starts, 0, size, block.firstRow);
        if (i < 0 || blocks[i] != block) {
            return;
        }
        System.arraycopy(starts, i + 1, starts, i, size - i - 1);
        System.arraycopy(blocks, i + 1, blocks, i, size - i - 1);
        blocks[--size] = null;
    }

    /** The block holding admitted row {@code row}; the caller passes live rows only. */
    public FileBlock blockOf(int row) {
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        FileBlock block = size == 0 ? null : blocks[lo];
        if (block == null || row < block.firstRow || row >= block.firstRow + block.admitted) {
            throw new IllegalArgumentException("row " + row + " is not a live dataset row");
        }
        return block;
    }

    public int size() {
        return size;
    }

    public FileBlock get(int index) {
        return blocks[index];
    }
}
