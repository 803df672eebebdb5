package io.replayflow.replay.parquet;

import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.replay.row.ReplayColumns;
import io.replayflow.replay.row.ReplayRow;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads an experience-log file that stores no frames (vector rows, and image rows kept whole) row
 * by row as {@link ReplayRow}s, straight from the columns with {@link ColumnCursor}: no Avro record
 * assembly, no boxed floats. The rows equal {@code ReplayRow.fromTransition} of what the log's Avro
 * reader ({@code TransitionParquet.reader}) yields for the same file, in file order.
 *
 * <p>Files that store frames once ({@link ReplayColumns#NEXT_OBS_FRAMES}) are refused: their images
 * decode only through the frame codec; read them with {@code TransitionParquet.reader} ({@link
 * #storesFrames} tells them apart). Two- and three-level lists and Transition v1 files (no image
 * columns: images null) are read.
 *
 * <p>Cost: O(values) per row, one {@link ReplayRow} and its arrays per row; strings are decoded
 * once per run of equal values. Not thread-safe; one per file.
 */
public final class LogRowReader implements Closeable {

    private static final int MAX_OBS_DIM = 1 << 16;

    private final ParquetFileReader reader;
    private final String file;
    private final MessageType projection;
    private final boolean images;
    private final String createdBy;
    private final float[] scratch = new float[MAX_OBS_DIM];
    private final Strings envs = new Strings();
    private final Strings actors = new Strings();
    private final Strings episodes = new Strings();

    private long left;
    private ColumnCursor env;
    private ColumnCursor actor;
    private ColumnCursor episode;
    private ColumnCursor step;
    private ColumnCursor time;
    private ColumnCursor obs;
    private ColumnCursor action;
    private ColumnCursor reward;
    private ColumnCursor nextObs;
    private ColumnCursor terminated;
    private ColumnCursor truncated;
    private ColumnCursor behaviorProb;
    private ColumnCursor policyVersion;
    private ColumnCursor obsImage;
    private ColumnCursor nextObsImage;

    /** Whether a file with this schema stores frames once (read it through the Avro reader). */
    public static boolean storesFrames(MessageType schema) {
        return schema.containsField(ReplayColumns.NEXT_OBS_FRAMES);
    }

    /**
     * Opens {@code in}; {@code name} names the file in errors.
     *
     * @throws IllegalStateException when it is not a Transition file, or stores frames once
     */
    public static LogRowReader open(InputFile in, String name) throws IOException {
        ParquetFileReader reader = new ParquetFileReader(in, ParquetConf.readOptions());
        try {
            return new LogRowReader(reader, name);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private LogRowReader(ParquetFileReader reader, String file) {
        this.reader = reader;
        this.file = file;
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        if (storesFrames(schema)) {
            throw new IllegalStateException(
                    "file "
                            + file
                            + " stores image frames once; read it with TransitionParquet.reader,"
                            + " which rebuilds them");
        }
        List<Type> fields = new ArrayList<>();
        for (String name : RowSchema.TRANSITION_COLUMNS) {
            fields.add(RowSchema.field(file, schema, name));
        }
        images = schema.containsField(ReplayColumns.OBS_IMAGE);
        if (images) {
            fields.add(RowSchema.imageData(file, schema, ReplayColumns.OBS_IMAGE));
            fields.add(RowSchema.imageData(file, schema, ReplayColumns.NEXT_OBS_IMAGE));
        }
        projection = new MessageType(schema.getName(), fields);
        for (ColumnDescriptor column : projection.getColumns()) {
            RowSchema.checkType(file, column);
        }
        reader.setRequestedSchema(projection);
        createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
    }

    /**
     * The next row in file order, or null at the end: the logged fields set, the enrichment's zero,
     * {@code returnToGo} NaN (as {@code ReplayRow.fromTransition}).
     */
    public ReplayRow read() throws IOException {
        while (left == 0) {
            PageReadStore rowGroup = reader.readNextRowGroup();
            if (rowGroup == null) {
                return null;
            }
            start(rowGroup);
        }
        left--;
        ReplayRow row = new ReplayRow();
        row.envId = envs.of(env.nextBinary());
        row.actorId = actors.of(actor.nextBinary());
        row.episodeId = episodes.of(episode.nextBinary());
        row.step = step.nextLong();
        row.eventTimeMs = time.nextLong();
        row.obs = floats(obs, ReplayColumns.OBS);
        row.action = action.nextInt();
        row.reward = reward.nextFloat();
        row.nextObs = floats(nextObs, ReplayColumns.NEXT_OBS);
        row.terminated = terminated.nextBoolean();
        row.truncated = truncated.nextBoolean();
        row.behaviorProb = behaviorProb.nextFloat();
        row.policyVersion = policyVersion.nextLong();
        if (images) {
            row.obsImage = bytes(obsImage);
            row.nextObsImage = bytes(nextObsImage);
        }
        row.returnToGo = Float.NaN;
        return row;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private void start(PageReadStore rowGroup) {
        left = rowGroup.getRowCount();
        env = cursor(ReplayColumns.ENV_ID, rowGroup);
        actor = cursor(ReplayColumns.ACTOR_ID, rowGroup);
        episode = cursor(ReplayColumns.EPISODE_ID, rowGroup);
        step = cursor(ReplayColumns.STEP, rowGroup);
        time = cursor(ReplayColumns.EVENT_TIME_MS, rowGroup);
        obs = cursor(ReplayColumns.OBS, rowGroup);
        action = cursor(ReplayColumns.ACTION, rowGroup);
        reward = cursor(ReplayColumns.REWARD, rowGroup);
        nextObs = cursor(ReplayColumns.NEXT_OBS, rowGroup);
        terminated = cursor(ReplayColumns.TERMINATED, rowGroup);
        truncated = cursor(ReplayColumns.TRUNCATED, rowGroup);
        behaviorProb = cursor(ReplayColumns.BEHAVIOR_PROB, rowGroup);
        policyVersion = cursor(ReplayColumns.POLICY_VERSION, rowGroup);
        if (images) {
            obsImage = cursor(ReplayColumns.OBS_IMAGE, rowGroup);
            nextObsImage = cursor(ReplayColumns.NEXT_OBS_IMAGE, rowGroup);
        }
    }

    private float[] floats(ColumnCursor c, String column) {
        int n = c.nextFloatList(scratch, 0, scratch.length);
        if (n > scratch.length) {
            throw new IllegalStateException(
                    "file "
                            + file
                            + " has a row whose "
                            + column
                            + " holds "
                            + n
                            + " floats; at most "
                            + MAX_OBS_DIM
                            + " are supported");
        }
        return Arrays.copyOf(scratch, n);
    }

    private static byte[] bytes(ColumnCursor c) {
        if (c.isNull()) {
            c.skipValue();
            return null;
        }
        return c.nextBinary().getBytes();
    }

    private ColumnCursor cursor(String column, PageReadStore rowGroup) {
        for (ColumnDescriptor descriptor : projection.getColumns()) {
            if (descriptor.getPath()[0].equals(column)) {
                return new ColumnCursor(descriptor, rowGroup, createdBy);
            }
        }
        throw new IllegalStateException("column " + column + " is not in the projection");
    }

    /** Decodes a string column's value once per run of equal values. */
    private static final class Strings {
        private Binary last;
        private String value;

        String of(Binary b) {
            if (b != last && !b.equals(last)) {
                last = b.copy();
                value = b.toStringUsingUTF8();
            }
            return value;
        }
    }
}
