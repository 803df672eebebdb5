package io.replayflow.replay.sample;

/** Argument checks shared by the samplers, so every sampler rejects bad input the same way. */
final class RowChecks {

    private RowChecks() {}

    /** Rejects NaN, negative and infinite priorities, naming the row and the value. */
    static void checkPriority(int rowId, double priority) {
        if (!(priority >= 0.0) || priority == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "priority for row "
                            + rowId
                            + " is "
                            + priority
                            + "; priorities must be finite and >= 0 (e.g. |td error| + 1e-6)");
        }
    }

    /** Rejects ids that were never appended; expired ids pass (they are ignored later). */
    static void checkAppended(int rowId, LiveRows rows) {
        if (rowId < 0 || rowId >= rows.end()) {
            throw new IllegalArgumentException(
                    "row "
                            + rowId
                            + " was never appended; row ids so far are [0, "
                            + rows.end()
                            + ")");
        }
    }

    static void checkRange(int fromRow, int toRow, LiveRows rows) {
        if (fromRow < 0 || fromRow > toRow || toRow > rows.end()) {
            throw new IllegalArgumentException(
                    "cannot remove rows ["
                            + fromRow
                            + ", "
                            + toRow
                            + "): need 0 <= fromRow <= toRow <= "
                            + rows.end()
                            + " (the next row id)");
        }
    }

    /** Checks a whole batch of updates before any is applied, so a bad entry changes nothing. */
    static void checkUpdates(int[] rowIds, double[] priorities, int count, LiveRows rows) {
        if (count < 0 || count > rowIds.length || count > priorities.length) {
            throw new IllegalArgumentException(
                    "count "
                            + count
                            + " must be in [0, min(rowIds.length = "
                            + rowIds.length
                            + ", priorities.length = "
                            + priorities.length
                            + ")]");
        }
        for (int j = 0; j < count; j++) {
            checkAppended(rowIds[j], rows);
            checkPriority(rowIds[j], priorities[j]);
        }
    }

    static void checkCanSample(LiveRows rows) {
        if (rows.count() == 0) {
            throw new IllegalStateException(
                    "cannot sample: no live rows (appended "
                            + rows.end()
                            + ", all removed); append rows first or gate sampling on a min size");
        }
    }
}
