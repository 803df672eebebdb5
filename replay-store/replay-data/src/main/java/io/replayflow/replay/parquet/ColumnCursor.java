package io.replayflow.replay.parquet;

import org.apache.parquet.VersionParser;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;

/**
 * Reads one leaf column of one row group value by value, with Parquet's column API and no record
 * assembly: the reader's fast path (no per-row objects, no boxing). Rows are read in order; each
 * {@code next…} or {@code skip…} call moves to the next row of the column.
 *
 * <p>Lists ({@code LIST<FLOAT>}) are read whether written with the two-level layout (parquet-avro's
 * default, {@code repeated float array}) or the three-level one ({@code repeated group list {
 * element }}): a row's values are the entries up to the next repetition level 0.
 *
 * <p>Not thread-safe; one per column per row group.
 */
public final class ColumnCursor {

    private static final PrimitiveConverter NO_OP = new PrimitiveConverter() {};

    private final ColumnReader reader;
    private final int maxDefinition;
    private long remaining;

    public ColumnCursor(ColumnDescriptor column, PageReadStore rowGroup, String createdBy) {
        this.reader =
                new ColumnReaderImpl(
                        column, rowGroup.getPageReader(column), NO_OP, writerVersion(createdBy));
        this.maxDefinition = column.getMaxDefinitionLevel();
        this.remaining = reader.getTotalValueCount();
    }

    /** Whether the current row's value is null (an optional column without a value). */
    public boolean isNull() {
        return reader.getCurrentDefinitionLevel() < maxDefinition;
    }

    /**
     * Whether the current row of an optional list column (required elements) is null, not empty.
     */
    public boolean isNullList() {
        return reader.getCurrentDefinitionLevel() < maxDefinition - 1;
    }

    public long nextLong() {
        long value = reader.getLong();
        advance();
        return value;
    }

    public int nextInt() {
        int value = reader.getInteger();
        advance();
        return value;
    }

    public float nextFloat() {
        float value = reader.getFloat();
        advance();
        return value;
    }

    /** The value as a float, or {@code ifNull} for a null. */
    public float nextFloatOr(float ifNull) {
        if (isNull()) {
            advance();
            return ifNull;
        }
        return nextFloat();
    }

    public double nextDouble() {
        double value = reader.getDouble();
        advance();
        return value;
    }

    public boolean nextBoolean() {
        boolean value = reader.getBoolean();
        advance();
        return value;
    }

    /**
     * The current binary value; valid until the next call (dictionary pages hand out the same
     * instance for the same value, which makes dictionary lookups cheap).
     */
    public Binary nextBinary() {
        Binary value = reader.getBinary();
        advance();
        return value;
    }

    /** The current binary value without moving to the next row (a look ahead). */
    public Binary peekBinary() {
        return reader.getBinary();
    }

    /** Skips the current row of a scalar column. */
    public void skipValue() {
        advance();
    }

    /**
     * Reads the current row of a list column into {@code dst[offset…]}, storing at most {@code max}
     * values, and returns the number of values the row holds (which may exceed {@code max}; the
     * caller checks). A null or empty list holds 0.
     */
    public int nextFloatList(float[] dst, int offset, int max) {
        int count = 0;
        boolean first = true;
        while (remaining > 0 && (first || reader.getCurrentRepetitionLevel() > 0)) {
            first = false;
            if (reader.getCurrentDefinitionLevel() == maxDefinition) {
                float value = reader.getFloat();
                if (count < max) {
                    dst[offset + count] = value;
                }
                count++;
            }
            advance();
        }
        return count;
    }

    /**
     * Reads the current row of an optional {@code LIST<INT32>} column with required elements into
     * {@code dst[0…]}, storing at most {@code dst.length} values; returns the number of values the
     * row holds (which may exceed {@code dst.length}; the caller checks), 0 for an empty list and
     * -1 for a null one.
     */
    public int nextIntList(int[] dst) {
        if (isNullList()) {
            advance();
            return -1;
        }
        int count = 0;
        boolean first = true;
        while (remaining > 0 && (first || reader.getCurrentRepetitionLevel() > 0)) {
            first = false;
            if (reader.getCurrentDefinitionLevel() == maxDefinition) {
                int value = reader.getInteger();
                if (count < dst.length) {
                    dst[count] = value;
                }
                count++;
            }
            advance();
        }
        return count;
    }

    /** Skips the current row of a list column and returns how many values it held. */
    public int skipList() {
        int count = 0;
        boolean first = true;
        while (remaining > 0 && (first || reader.getCurrentRepetitionLevel() > 0)) {
            first = false;
            if (reader.getCurrentDefinitionLevel() == maxDefinition) {
                count++;
            }
            advance();
        }
        return count;
    }

    private void advance() {
        if (reader.getCurrentDefinitionLevel() == maxDefinition) {
            reader.skip(); // no-op when the value was read; keeps the value stream aligned
        }
        reader.consume();
        remaining--;
    }

    private static VersionParser.ParsedVersion writerVersion(String createdBy) {
        if (createdBy == null) {
            return null;
        }
        try {
            return VersionParser.parse(createdBy);
        } catch (VersionParser.VersionParseException | RuntimeException e) {
            return null;
        }
    }
}
