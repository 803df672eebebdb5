package io.replayflow.replay.segment;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.replay.parquet.ColumnCursor;
import io.replayflow.replay.row.ReplayColumns;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.core.fs.FileSystem;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads a segment dataset file's rows into {@link Segment}s, column by column ({@link
 * ColumnCursor}, a projection of the columns a {@link SegmentBatch} needs). Rows of a segment not
 * yet complete wait in {@code pending} (keyed by segment id) until the file holding the rest is
 * read; complete segments go to {@code complete} in the order their last row was read. Not
 * thread-safe.
 */
final class SegmentFileReader {

    private static final List<String> COLUMNS =
            List.of(
                    ReplayColumns.SEGMENT_ID,
                    ReplayColumns.SEGMENT_STEP,
                    ReplayColumns.SEGMENT_LENGTH,
                    ReplayColumns.EVENT_TIME_MS,
                    ReplayColumns.OBS,
                    ReplayColumns.ACTION,
                    ReplayColumns.REWARD,
                    ReplayColumns.NEXT_OBS,
                    ReplayColumns.TERMINATED,
                    ReplayColumns.BEHAVIOR_PROB,
                    ReplayColumns.POLICY_VERSION);

    private final int maxLength;
    private final float[] scratch = new float[1 << 12];
    private int obsDim = -1;

    SegmentFileReader(int maxLength) {
        this.maxLength = maxLength;
    }

    /**
     * @throws IllegalStateException when the file is not a segment file, holds a segment longer
     *     than {@code maxLength}, or its observations differ in width from earlier ones
     */
    void read(
            FileSystem fs, DataFile file, Map<String, Segment> pending, Consumer<Segment> complete)
            throws IOException {
        try (ParquetFileReader reader =
                new ParquetFileReader(
                        new FlinkInputFile(fs, file.path(), file.length()),
                        ParquetConf.readOptions())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            if (!schema.containsField(ReplayColumns.SEGMENT_ID)) {
                throw new IllegalStateException(
                        "file "
                                + file.path()
                                + " has no segment_id column: it is not a segment dataset; build"
                                + " one with replay.dataset.kind=segments");
            }
            MessageType projection = project(schema);
            reader.setRequestedSchema(projection);
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                readRowGroup(file, projection, rowGroup, createdBy, pending, complete);
            }
        }
    }

    private void readRowGroup(
            DataFile file,
            MessageType schema,
            PageReadStore rowGroup,
            String createdBy,
            Map<String, Segment> pending,
            Consumer<Segment> complete) {
        ColumnCursor id = cursor(schema, ReplayColumns.SEGMENT_ID, rowGroup, createdBy);
        ColumnCursor step = cursor(schema, ReplayColumns.SEGMENT_STEP, rowGroup, createdBy);
        ColumnCursor length = cursor(schema, ReplayColumns.SEGMENT_LENGTH, rowGroup, createdBy);
        ColumnCursor time = cursor(schema, ReplayColumns.EVENT_TIME_MS, rowGroup, createdBy);
        ColumnCursor obs = cursor(schema, ReplayColumns.OBS, rowGroup, createdBy);
        ColumnCursor action = cursor(schema, ReplayColumns.ACTION, rowGroup, createdBy);
        ColumnCursor reward = cursor(schema, ReplayColumns.REWARD, rowGroup, createdBy);
        ColumnCursor nextObs = cursor(schema, ReplayColumns.NEXT_OBS, rowGroup, createdBy);
        ColumnCursor terminated = cursor(schema, ReplayColumns.TERMINATED, rowGroup, createdBy);
        ColumnCursor prob = cursor(schema, ReplayColumns.BEHAVIOR_PROB, rowGroup, createdBy);
        ColumnCursor version = cursor(schema, ReplayColumns.POLICY_VERSION, rowGroup, createdBy);
        long rows = rowGroup.getRowCount();
        for (long r = 0; r < rows; r++) {
            String segmentId = id.nextBinary().toStringUsingUTF8();
            int t = step.nextInt();
            int n = length.nextInt();
            if (n > maxLength || t < 0 || t >= n) {
                throw new IllegalStateException(
                        "file "
                                + file.path()
                                + " holds a segment of "
                                + n
                                + " steps (row at index "
                                + t
                                + "); the reader's length is "
                                + maxLength
                                + ": read with a length >= the job's replay.segment.length");
            }
            int width = obs.nextFloatList(scratch, 0, scratch.length);
            checkWidth(file, width);
            Segment s = pending.computeIfAbsent(segmentId, k -> new Segment(k, n, obsDim));
            boolean fresh = s.markSeen(t);
            if (fresh) {
                System.arraycopy(scratch, 0, s.obs, t * obsDim, obsDim);
                s.eventTimeMs[t] = time.nextLong();
                s.actions[t] = action.nextInt();
                s.rewards[t] = reward.nextFloat();
                s.terminated[t] = terminated.nextBoolean();
                s.behaviorProbs[t] = prob.nextFloat();
                s.policyVersions[t] = version.nextLong();
            } else {
                time.skipValue();
                action.skipValue();
                reward.skipValue();
                terminated.skipValue();
                prob.skipValue();
                version.skipValue();
            }
            if (fresh && t == n - 1) {
                checkWidth(file, nextObs.nextFloatList(s.bootstrapObs, 0, obsDim));
            } else {
                nextObs.skipList();
            }
            if (fresh && s.complete()) {
                pending.remove(segmentId);
                complete.accept(s);
            }
        }
    }

    private void checkWidth(DataFile file, int width) {
        if (width == 0) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " has rows without float observations (image rows: obs_image):"
                            + " segment datasets (policy gradient) do not read images yet; train"
                            + " image environments with a value-based algorithm on a transition"
                            + " dataset (replay.dataset.kind=transitions)");
        }
        if (width > scratch.length) {
            throw new IllegalStateException(
                    "file " + file.path() + " has observations of " + width + " floats; too wide");
        }
        if (obsDim < 0) {
            obsDim = width;
        } else if (width != obsDim) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " has observations of "
                            + width
                            + " floats where earlier rows had "
                            + obsDim
                            + ": one segment dataset holds one environment's observations");
        }
    }

    /** The observation width seen so far, or -1 before the first row. */
    int obsDim() {
        return obsDim;
    }

    private static MessageType project(MessageType schema) {
        List<Type> fields =
                schema.getFields().stream().filter(f -> COLUMNS.contains(f.getName())).toList();
        return new MessageType(schema.getName(), fields);
    }

    private static ColumnCursor cursor(
            MessageType schema, String column, PageReadStore rowGroup, String createdBy) {
        for (ColumnDescriptor descriptor : schema.getColumns()) {
            if (descriptor.getPath()[0].equals(column)) {
                return new ColumnCursor(descriptor, rowGroup, createdBy);
            }
        }
        throw new IllegalStateException("column " + column + " is not in the projection");
    }
}
