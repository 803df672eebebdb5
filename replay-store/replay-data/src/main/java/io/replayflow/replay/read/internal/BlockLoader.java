package io.replayflow.replay.read.internal;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.replay.parquet.ColumnCursor;
import io.replayflow.replay.parquet.RowSchema;
import io.replayflow.replay.row.ReplayColumns;
import io.replayflow.schemas.env.FrameStacking;
import io.replayflow.schemas.frames.FrameDecoder;
import io.replayflow.schemas.frames.FrameLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.fs.FileSystem;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Loads one committed Parquet file into a {@link FileBlock}: reads only the needed columns
 * (projection), one row group at a time, column by column with {@link ColumnCursor} (no record
 * assembly, no per-row objects), and keeps the rows the {@link RowFilter} accepts.
 *
 * <p>Accepts experience-log files (the {@code Transition} columns, two- or three-level lists) and
 * replay dataset files ({@link ReplayColumns#SCHEMA}, three-level lists, plus the enrichment
 * columns). Every loaded row must have the dataset's observation size; the first row loaded fixes
 * it unless it was given.
 *
 * <p>Observations are float vectors ({@code obs}, {@code next_obs}, {@code bootstrap_obs}) or uint8
 * images ({@code obs_image.data}, {@code next_obs_image.data}, {@code bootstrap_obs_image.data},
 * the same columns in both kinds of file); the first file's first row decides which the dataset
 * holds, and a file of the other kind is refused. For images the observation size is the byte
 * length (the product of the env's shape, which ingest checked).
 *
 * <p>Replay files that store each frame once ({@code replay/v3}, see {@link ReplayColumns}) and
 * experience-log files that do (the same frame columns and footer, {@link
 * io.replayflow.schemas.frames.FrameColumns}) are rebuilt here, byte for byte, with one {@link
 * FrameDecoder} per env. This loader reads the log's frame columns itself rather than through the
 * log's row reader ({@code TransitionParquet.reader}): it reads columns in bulk without a row
 * object per row, and the decoding is the one codec either way. Every row of the file is fed to it
 * in order, also the rows the filter drops (a kept row may reference their frames), except rows of
 * envs the filter drops, whose frames no kept row references.
 *
 * <p>Cost: O(rows * columns) with no allocation per row; memory is the block's columns at the
 * file's row count (trimmed when the filter dropped rows) plus one row group's pages. Not
 * thread-safe; one per dataset.
 */
public final class BlockLoader {

    private static final int MAX_OBS_DIM = 1 << 16;

    private static final String[] ENRICHMENT_COLUMNS = {
        ReplayColumns.N_STEP_RETURN,
        ReplayColumns.N_STEP_COUNT,
        ReplayColumns.BOOTSTRAP_OBS,
        ReplayColumns.BOOTSTRAP_DISCOUNT,
        ReplayColumns.BOOTSTRAP_CUT,
        ReplayColumns.RETURN_TO_GO,
        ReplayColumns.EPISODE_COMPLETE,
        ReplayColumns.PRIORITY
    };

    private final Dictionaries dicts;
    private final RowFilter filter;
    private int obsDim;

    /** Whether the dataset holds images; null until the first row says. */
    private Boolean images;

    private final float[] firstRowScratch = new float[4096];

    // Per row group scratch, reused.
    private int[] envScratch = new int[0];
    private long[] timeScratch = new long[0];
    private int[] policyScratch = new int[0];
    private boolean[] keep = new boolean[0];
    private boolean[] envKept = new boolean[0];

    // Frames stored once: the file's decoders (null for other files) and per row scratch.
    private static final byte[] NO_BYTES = new byte[0];
    private FrameFile frameFile;
    private String[] episodeKeys = new String[0];
    private int[] actionScratch = new int[0]; // every row's action: decoders predict from it
    private final int[] obsRefs = new int[FrameStacking.MAX_FRAMES + 1];
    private final int[] nextRefs = new int[FrameStacking.MAX_FRAMES + 1];
    private final int[] bootRefs = new int[FrameStacking.MAX_FRAMES + 1];
    private byte[] dropped = new byte[0];
    private Binary lastEpisode;

    /**
     * @param obsDim the observation size every row must have, or -1 to take it from the first row
     */
    public BlockLoader(Dictionaries dicts, RowFilter filter, int obsDim) {
        this.dicts = dicts;
        this.filter = filter;
        this.obsDim = obsDim;
    }

    /** Whether the observations are uint8 images (false while unknown: no row loaded yet). */
    public boolean images() {
        return Boolean.TRUE.equals(images);
    }

    /** The observation size, or -1 while no row has been loaded and none was given. */
    public int obsDim() {
        return obsDim;
    }

    /**
     * Loads {@code file}. Returns null when the filter keeps none of its rows.
     *
     * @throws IOException when the file cannot be read; {@link java.io.FileNotFoundException} when
     *     it has disappeared (an expired partition)
     * @throws IllegalStateException when the file is not a transition or replay-row file, or its
     *     observations do not match the dataset's
     */
    public FileBlock load(FileSystem fs, DataFile file) throws IOException {
        FlinkInputFile input = new FlinkInputFile(fs, file.path(), file.length());
        try (ParquetFileReader reader = new ParquetFileReader(input, ParquetConf.readOptions())) {
            FileMetaData meta = reader.getFooter().getFileMetaData();
            MessageType schema = meta.getSchema();
            boolean enriched = schema.containsField(ReplayColumns.N_STEP_RETURN);
            frameFile =
                    schema.containsField(ReplayColumns.NEXT_OBS_FRAMES)
                            ? FrameFile.of(file, meta.getKeyValueMetaData())
                            : null;
            MessageType projection = project(file, schema, enriched);
            reader.setRequestedSchema(projection);
            long total = reader.getRecordCount();
            if (total > Integer.MAX_VALUE / Math.max(1, Math.max(obsDim, 1))) {
                throw new IllegalStateException(
                        "file " + file.path() + " has " + total + " rows; too many for one block");
            }
            FileBlock.Columns columns = new FileBlock.Columns((int) total, enriched);
            int kept = 0;
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                kept +=
                        readRowGroup(
                                file,
                                projection,
                                rowGroup,
                                meta.getCreatedBy(),
                                columns,
                                kept,
                                (int) total,
                                enriched);
            }
            if (kept == 0) {
                return null;
            }
            return new FileBlock(file, kept, obsDim, enriched, images(), columns);
        }
    }

    private int readRowGroup(
            DataFile file,
            MessageType schema,
            PageReadStore rowGroup,
            String createdBy,
            FileBlock.Columns out,
            int base,
            int capacity,
            boolean enriched) {
        int rows = Math.toIntExact(rowGroup.getRowCount());
        ensureScratch(rows);
        int kept = readFilterColumns(schema, rowGroup, createdBy, rows);
        if (kept == 0) {
            if (frameFile != null) {
                // Later row groups may reference this one's frames.
                ColumnCursor c = cursor(schema, ReplayColumns.EPISODE_ID, rowGroup, createdBy);
                for (int i = 0; i < rows; i++) {
                    episodeKeys[i] = key(c.nextBinary(), i);
                }
                c = cursor(schema, ReplayColumns.ACTION, rowGroup, createdBy);
                for (int i = 0; i < rows; i++) {
                    actionScratch[i] = c.nextInt();
                }
                readFrames(file, schema, rowGroup, createdBy, out, base, rows, capacity, enriched);
            }
            return 0;
        }
        copyKept(envScratch, out.envId, base, rows);
        copyKept(timeScratch, out.eventTimeMs, base, rows);
        copyKept(policyScratch, out.policyIndex, base, rows);

        ColumnCursor c = cursor(schema, ReplayColumns.ACTOR_ID, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                out.actorId[j++] = dicts.actors.idOf(c.nextBinary());
            } else {
                c.skipValue();
            }
        }
        c = cursor(schema, ReplayColumns.EPISODE_ID, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (frameFile != null) {
                Binary episode = c.nextBinary();
                episodeKeys[i] = key(episode, i);
                if (keep[i]) {
                    out.episodeId[j++] = dicts.episodes.idOf(episode);
                }
            } else if (keep[i]) {
                out.episodeId[j++] = dicts.episodes.idOf(c.nextBinary());
            } else {
                c.skipValue();
            }
        }
        c = cursor(schema, ReplayColumns.STEP, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                out.step[j++] = checkStep(file, c.nextLong());
            } else {
                c.skipValue();
            }
        }
        c = cursor(schema, ReplayColumns.ACTION, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (frameFile != null) {
                actionScratch[i] = c.nextInt();
                if (keep[i]) {
                    out.action[j++] = actionScratch[i];
                }
            } else if (keep[i]) {
                out.action[j++] = c.nextInt();
            } else {
                c.skipValue();
            }
        }
        readFloats(schema, ReplayColumns.REWARD, rowGroup, createdBy, out.reward, base, rows);
        readFloats(
                schema,
                ReplayColumns.BEHAVIOR_PROB,
                rowGroup,
                createdBy,
                out.behaviorProb,
                base,
                rows);
        readFlag(schema, ReplayColumns.TERMINATED, rowGroup, createdBy, out.flags, base, rows, 1);
        readFlag(schema, ReplayColumns.TRUNCATED, rowGroup, createdBy, out.flags, base, rows, 2);
        ColumnCursor obsImages = null;
        boolean imageFile;
        if (frameFile != null) {
            imageFile =
                    readFrames(
                            file, schema, rowGroup, createdBy, out, base, rows, capacity, enriched);
        } else {
            obsImages = imageCursor(file, schema, rowGroup, createdBy);
            imageFile = obsImages != null;
        }
        if (imageFile && frameFile != null) {
            // rebuilt by readFrames
        } else if (imageFile) {
            if (out.obsBytes == null) {
                out.allocateImages(capacity, obsDim, enriched);
            }
            readImages(file, obsImages, ReplayColumns.OBS_IMAGE, out.obsBytes, base, rows);
            readImages(
                    file,
                    cursor(schema, ReplayColumns.NEXT_OBS_IMAGE, rowGroup, createdBy),
                    ReplayColumns.NEXT_OBS_IMAGE,
                    out.nextObsBytes,
                    base,
                    rows);
        } else {
            readVectors(
                    file,
                    schema,
                    ReplayColumns.OBS,
                    rowGroup,
                    createdBy,
                    out,
                    base,
                    rows,
                    capacity);
            readVectors(
                    file, schema, ReplayColumns.NEXT_OBS, rowGroup, createdBy, out, base, rows, 0);
        }
        if (enriched) {
            readEnrichment(file, schema, rowGroup, createdBy, out, base, rows, imageFile);
        }
        return kept;
    }

    /** Reads env, event time and policy version, and marks the rows the filter keeps. */
    private int readFilterColumns(
            MessageType schema, PageReadStore rowGroup, String createdBy, int rows) {
        ColumnCursor env = cursor(schema, ReplayColumns.ENV_ID, rowGroup, createdBy);
        for (int i = 0; i < rows; i++) {
            envScratch[i] = dicts.envs.idOf(env.nextBinary());
        }
        ColumnCursor time = cursor(schema, ReplayColumns.EVENT_TIME_MS, rowGroup, createdBy);
        for (int i = 0; i < rows; i++) {
            timeScratch[i] = time.nextLong();
        }
        ColumnCursor policy = cursor(schema, ReplayColumns.POLICY_VERSION, rowGroup, createdBy);
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            long version = policy.nextLong();
            policyScratch[i] = dicts.policies.indexOf(version);
            keep[i] =
                    envKept(envScratch[i])
                            && filter.keepTime(timeScratch[i])
                            && filter.keepPolicy(version);
            kept += keep[i] ? 1 : 0;
        }
        return kept;
    }

    private boolean envKept(int envId) {
        if (envId >= envKept.length) {
            boolean[] grown = new boolean[Math.max(envId + 1, envKept.length * 2)];
            System.arraycopy(envKept, 0, grown, 0, envKept.length);
            for (int e = envKept.length; e < grown.length && e < dicts.envs.size(); e++) {
                grown[e] = filter.keepEnv(dicts.envs.value(e));
            }
            envKept = grown;
        }
        return envKept[envId];
    }

    private void readEnrichment(
            DataFile file,
            MessageType schema,
            PageReadStore rowGroup,
            String createdBy,
            FileBlock.Columns out,
            int base,
            int rows,
            boolean imageFile) {
        readFloats(
                schema,
                ReplayColumns.N_STEP_RETURN,
                rowGroup,
                createdBy,
                out.nStepReturn,
                base,
                rows);
        readFloats(
                schema,
                ReplayColumns.BOOTSTRAP_DISCOUNT,
                rowGroup,
                createdBy,
                out.bootstrapDiscount,
                base,
                rows);
        readFlag(
                schema,
                ReplayColumns.BOOTSTRAP_CUT,
                rowGroup,
                createdBy,
                out.flags,
                base,
                rows,
                FileBlock.BOOTSTRAP_CUT);
        readFlag(
                schema,
                ReplayColumns.EPISODE_COMPLETE,
                rowGroup,
                createdBy,
                out.flags,
                base,
                rows,
                FileBlock.EPISODE_COMPLETE);
        ColumnCursor c = cursor(schema, ReplayColumns.N_STEP_COUNT, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                out.nStepCount[j++] = c.nextInt();
            } else {
                c.skipValue();
            }
        }
        c = cursor(schema, ReplayColumns.RETURN_TO_GO, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                out.returnToGo[j++] = c.nextFloatOr(Float.NaN);
            } else {
                c.skipValue();
            }
        }
        c = cursor(schema, ReplayColumns.PRIORITY, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                out.priority[j++] = (float) c.nextDouble();
            } else {
                c.skipValue();
            }
        }
        if (imageFile && frameFile != null) {
            // rebuilt by readFrames
        } else if (imageFile) {
            readImages(
                    file,
                    cursor(schema, ReplayColumns.BOOTSTRAP_OBS_IMAGE, rowGroup, createdBy),
                    ReplayColumns.BOOTSTRAP_OBS_IMAGE,
                    out.bootstrapBytes,
                    base,
                    rows);
        } else {
            readVectors(
                    file,
                    schema,
                    ReplayColumns.BOOTSTRAP_OBS,
                    rowGroup,
                    createdBy,
                    out,
                    base,
                    rows,
                    0);
        }
    }

    /**
     * The {@code obs_image} cursor, still on the first row, when this row group holds image rows
     * (its first row has an {@code obs_image}), else null; learns the dataset's kind and, for
     * images, its observation size from the first row loaded. (A column's pages can be read once
     * per row group, hence the cursor is handed on.)
     *
     * @throws IllegalStateException when the dataset already holds the other kind
     */
    private ColumnCursor imageCursor(
            DataFile file, MessageType schema, PageReadStore rowGroup, String createdBy) {
        ColumnCursor c = null;
        if (schema.containsField(ReplayColumns.OBS_IMAGE)) {
            c = cursor(schema, ReplayColumns.OBS_IMAGE, rowGroup, createdBy);
            if (c.isNull()) {
                c = null;
            } else if (obsDim < 0) {
                int n = c.peekBinary().length();
                checkImageSize(file, ReplayColumns.OBS_IMAGE, n, n);
                obsDim = n;
            }
        }
        learnKind(file, c != null);
        return c;
    }

    /**
     * Learns the dataset's kind from its first row group, or checks that {@code file}'s rows are of
     * it.
     *
     * @throws IllegalStateException when the dataset already holds the other kind
     */
    private void learnKind(DataFile file, boolean imageRows) {
        if (images == null) {
            images = imageRows;
        } else if (images != imageRows) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " holds "
                            + (imageRows ? "image" : "vector")
                            + " observations but the dataset's earlier files hold "
                            + (images ? "images" : "vectors")
                            + ": a dataset holds one kind of observation; filter by env to read"
                            + " image and vector environments separately");
        }
    }

    /**
     * Rebuilds the images of a file that stores frames once ({@link #frameFile}), feeding every row
     * of a kept env to its decoder and writing the kept rows' obs, next_obs and (enriched)
     * bootstrap images to {@code out}. Returns whether the row group holds image rows (its first
     * row has frame references); vector rows have none and are read as vectors.
     */
    private boolean readFrames(
            DataFile file,
            MessageType schema,
            PageReadStore rowGroup,
            String createdBy,
            FileBlock.Columns out,
            int base,
            int rows,
            int capacity,
            boolean enriched) {
        ColumnCursor next = cursor(schema, ReplayColumns.NEXT_OBS_FRAMES, rowGroup, createdBy);
        boolean imageRows = !next.isNullList();
        boolean anyKept = false;
        for (int i = 0; i < rows && !anyKept; i++) {
            anyKept = keep[i];
        }
        if (anyKept) {
            learnKind(file, imageRows);
        }
        if (!imageRows) {
            return false;
        }
        ColumnCursor frames = cursor(schema, ReplayColumns.FRAMES, rowGroup, createdBy);
        ColumnCursor obs = cursor(schema, ReplayColumns.OBS_FRAMES, rowGroup, createdBy);
        ColumnCursor boot =
                enriched
                        ? cursor(schema, ReplayColumns.BOOTSTRAP_OBS_FRAMES, rowGroup, createdBy)
                        : null;
        for (int i = 0, j = base; i < rows; i++) {
            if (!envKept(envScratch[i])) {
                frames.skipValue();
                obs.skipList();
                next.skipList();
                if (boot != null) {
                    boot.skipList();
                }
                continue;
            }
            String env = dicts.envs.value(envScratch[i]);
            FrameLayout layout = frameFile.layout(env);
            int n = layout.observationBytes();
            if (obsDim < 0) {
                checkImageSize(file, ReplayColumns.NEXT_OBS_FRAMES, n, n);
                obsDim = n;
            } else if (n != obsDim) {
                checkImageSize(file, ReplayColumns.NEXT_OBS_FRAMES, n, obsDim);
            }
            byte[] newFrames = NO_BYTES;
            int newOffset = 0;
            int newLength = 0;
            if (frames.isNull()) {
                frames.skipValue();
            } else {
                ByteBuffer bytes = frames.nextBinary().toByteBuffer();
                newLength = bytes.remaining();
                if (bytes.hasArray()) {
                    newFrames = bytes.array();
                    newOffset = bytes.arrayOffset() + bytes.position();
                } else {
                    newFrames = new byte[newLength];
                    bytes.get(newFrames);
                }
            }
            int obsCount = refs(file, ReplayColumns.OBS_FRAMES, obs, obsRefs, 1);
            int nextCount = refs(file, ReplayColumns.NEXT_OBS_FRAMES, next, nextRefs, 0);
            int bootCount = boot == null ? -1 : boot.nextIntList(bootRefs);
            if (bootCount > FrameStacking.MAX_FRAMES) {
                refs(file, ReplayColumns.BOOTSTRAP_OBS_FRAMES, bootCount);
            }
            byte[] obsDst;
            byte[] nextDst;
            byte[] bootDst;
            int at;
            if (keep[i]) {
                if (out.obsBytes == null) {
                    out.allocateImages(capacity, obsDim, enriched);
                }
                if (enriched && bootCount < 0) {
                    checkImageSize(file, ReplayColumns.BOOTSTRAP_OBS_FRAMES, 0, obsDim);
                }
                obsDst = out.obsBytes;
                nextDst = out.nextObsBytes;
                bootDst = out.bootstrapBytes;
                at = j++ * obsDim;
            } else {
                if (dropped.length < n) {
                    dropped = new byte[n];
                }
                obsDst = dropped;
                nextDst = dropped;
                bootDst = dropped;
                at = 0;
            }
            frameFile
                    .decoder(env)
                    .decode(
                            episodeKeys[i],
                            actionScratch[i],
                            newFrames,
                            newOffset,
                            newLength,
                            obsRefs,
                            obsCount,
                            nextRefs,
                            nextCount,
                            bootRefs,
                            bootCount,
                            obsDst,
                            at,
                            nextDst,
                            at,
                            bootDst,
                            at);
        }
        return true;
    }

    /**
     * Reads a row's frame references (a stack's, plus {@code extra}: a file's first obs carries a
     * marker); a row without them among image rows is refused.
     */
    private int refs(DataFile file, String column, ColumnCursor c, int[] dst, int extra) {
        int count = c.nextIntList(dst);
        if (count < 0) {
            checkImageSize(file, column, 0, obsDim);
        }
        if (count > FrameStacking.MAX_FRAMES + extra) {
            refs(file, column, count);
        }
        return count;
    }

    private static void refs(DataFile file, String column, int count) {
        throw new IllegalStateException(
                "file "
                        + file.path()
                        + " has a row whose "
                        + column
                        + " holds "
                        + count
                        + " frame references, more than a stack holds ("
                        + FrameStacking.MAX_FRAMES
                        + "): was it written by ReplayFlow's replay-store?");
    }

    /** An episode id as a decoder key; consecutive rows of one episode share the String. */
    private String key(Binary episode, int i) {
        if (i > 0 && lastEpisode != null && lastEpisode.equals(episode)) {
            return episodeKeys[i - 1];
        }
        lastEpisode = episode.copy();
        return episode.toStringUsingUTF8();
    }

    /** Reads an image column's bytes ({@code <column>.data}) into {@code dst}. */
    private void readImages(
            DataFile file, ColumnCursor c, String column, byte[] dst, int base, int rows) {
        for (int i = 0, j = base; i < rows; i++) {
            if (!keep[i]) {
                c.skipValue();
                continue;
            }
            if (c.isNull()) {
                checkImageSize(file, column, 0, obsDim);
            }
            Binary image = c.nextBinary();
            if (image.length() != obsDim) {
                checkImageSize(file, column, image.length(), obsDim);
            }
            image.toByteBuffer().get(dst, j * obsDim, obsDim);
            j++;
        }
    }

    private static void checkImageSize(DataFile file, String column, int n, int expected) {
        if (n == 0) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " has a row without "
                            + column
                            + " among image rows: a file holds one kind of observation; was it"
                            + " written by ReplayFlow's ingest or replay-store?");
        }
        if (n != expected || n > MAX_OBS_DIM) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " has a row whose "
                            + column
                            + " holds "
                            + n
                            + " bytes, but the dataset's images hold "
                            + expected
                            + " (at most "
                            + MAX_OBS_DIM
                            + "): a dataset holds one image shape; filter by env to read"
                            + " environments of different shapes separately");
        }
    }

    private void readFloats(
            MessageType schema,
            String column,
            PageReadStore rowGroup,
            String createdBy,
            float[] out,
            int base,
            int rows) {
        ColumnCursor c = cursor(schema, column, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                out[j++] = c.nextFloat();
            } else {
                c.skipValue();
            }
        }
    }

    private void readFlag(
            MessageType schema,
            String column,
            PageReadStore rowGroup,
            String createdBy,
            byte[] flags,
            int base,
            int rows,
            int bit) {
        ColumnCursor c = cursor(schema, column, rowGroup, createdBy);
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                if (c.nextBoolean()) {
                    flags[j] |= (byte) bit;
                }
                j++;
            } else {
                c.skipValue();
            }
        }
    }

    /**
     * Reads a float-vector column. {@code capacity > 0} marks the first vector column of the file:
     * it learns the observation size if needed and allocates the vector columns.
     */
    private void readVectors(
            DataFile file,
            MessageType schema,
            String column,
            PageReadStore rowGroup,
            String createdBy,
            FileBlock.Columns out,
            int base,
            int rows,
            int capacity) {
        ColumnCursor c = cursor(schema, column, rowGroup, createdBy);
        int start = 0;
        if (obsDim < 0) {
            int n = c.nextFloatList(firstRowScratch, 0, firstRowScratch.length);
            if (n > firstRowScratch.length) {
                throw new IllegalStateException(
                        "file "
                                + file.path()
                                + ": observations of "
                                + n
                                + " floats are larger than this reader supports ("
                                + firstRowScratch.length
                                + ")");
            }
            checkDim(file, column, n, n);
            obsDim = n;
            start = 1;
        }
        boolean firstVectorColumn = capacity > 0;
        if (firstVectorColumn && out.obs == null) {
            out.allocateVectors(capacity, obsDim, out.nStepReturn != null);
        }
        float[] dst =
                switch (column) {
                    case ReplayColumns.OBS -> out.obs;
                    case ReplayColumns.NEXT_OBS -> out.nextObs;
                    default -> out.bootstrapObs;
                };
        int j = base;
        if (start == 1) {
            if (keep[0]) {
                System.arraycopy(firstRowScratch, 0, dst, j * obsDim, obsDim);
                j++;
            }
        }
        for (int i = start; i < rows; i++) {
            if (keep[i]) {
                int n = c.nextFloatList(dst, j * obsDim, obsDim);
                if (n != obsDim) {
                    checkDim(file, column, n, obsDim);
                }
                j++;
            } else {
                c.skipList();
            }
        }
    }

    private static void checkDim(DataFile file, String column, int n, int expected) {
        if (n == 0) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " has a row with an empty "
                            + column
                            + " among vector rows: a file holds one kind of observation (image rows"
                            + " carry obs_image and empty obs lists); was it written by"
                            + " ReplayFlow's ingest or replay-store?");
        }
        if (n != expected || n > MAX_OBS_DIM) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " has a row whose "
                            + column
                            + " holds "
                            + n
                            + " floats, but the dataset's observations hold "
                            + expected
                            + ": a dataset holds one observation size; filter by env to read"
                            + " environments of different sizes separately");
        }
    }

    private static int checkStep(DataFile file, long step) {
        if (step < 0 || step > Integer.MAX_VALUE) {
            throw new IllegalStateException(
                    "file "
                            + file.path()
                            + " has step "
                            + step
                            + "; steps must be in [0, "
                            + Integer.MAX_VALUE
                            + "]");
        }
        return (int) step;
    }

    private void copyKept(int[] from, int[] to, int base, int rows) {
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                to[j++] = from[i];
            }
        }
    }

    private void copyKept(long[] from, long[] to, int base, int rows) {
        for (int i = 0, j = base; i < rows; i++) {
            if (keep[i]) {
                to[j++] = from[i];
            }
        }
    }

    private void ensureScratch(int rows) {
        if (keep.length < rows) {
            envScratch = new int[rows];
            timeScratch = new long[rows];
            policyScratch = new int[rows];
            keep = new boolean[rows];
            episodeKeys = new String[rows];
            actionScratch = new int[rows];
        }
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

    /** The needed top-level fields, after checking that each exists with the right type. */
    private static MessageType project(DataFile file, MessageType schema, boolean enriched) {
        List<Type> fields = new ArrayList<>();
        for (String name : RowSchema.TRANSITION_COLUMNS) {
            fields.add(RowSchema.field(file.path().toString(), schema, name));
        }
        if (enriched) {
            for (String name : ENRICHMENT_COLUMNS) {
                fields.add(RowSchema.field(file.path().toString(), schema, name));
            }
        }
        if (schema.containsField(ReplayColumns.NEXT_OBS_FRAMES)) {
            fields.add(RowSchema.field(file.path().toString(), schema, ReplayColumns.FRAMES));
            fields.add(RowSchema.field(file.path().toString(), schema, ReplayColumns.OBS_FRAMES));
            fields.add(
                    RowSchema.field(file.path().toString(), schema, ReplayColumns.NEXT_OBS_FRAMES));
            if (enriched) {
                fields.add(
                        RowSchema.field(
                                file.path().toString(),
                                schema,
                                ReplayColumns.BOOTSTRAP_OBS_FRAMES));
            }
        } else if (schema.containsField(ReplayColumns.OBS_IMAGE)) {
            fields.add(
                    RowSchema.imageData(file.path().toString(), schema, ReplayColumns.OBS_IMAGE));
            fields.add(
                    RowSchema.imageData(
                            file.path().toString(), schema, ReplayColumns.NEXT_OBS_IMAGE));
            if (enriched) {
                fields.add(
                        RowSchema.imageData(
                                file.path().toString(), schema, ReplayColumns.BOOTSTRAP_OBS_IMAGE));
            }
        }
        MessageType projection = new MessageType(schema.getName(), fields);
        for (ColumnDescriptor column : projection.getColumns()) {
            RowSchema.checkType(file.path().toString(), column);
        }
        return projection;
    }
}
